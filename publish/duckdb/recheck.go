package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// ErrCatalogueConflict is returned, wrapped in a *CatalogueError, when
// current rows break the metric catalogue in force: the catalogue changed
// after they were ingested (a metric's kind, multiplier, min or max, the
// services it is for, or an entry removed). Its code is schemas.ECONFLICT:
// the rows and the catalogue are each valid alone but disagree, and the
// same publish succeeds once one of them changes, by the council sending
// its return again or by the catalogue being put back.
var ErrCatalogueConflict error = &schemas.Error{Code: schemas.ECONFLICT,
	Message: "current figures do not fit the metric catalogue in force"}

// MaxMisfits is how many groups of rows a CatalogueError lists.
const MaxMisfits = 50

// A Misfit is a group of current rows that the catalogue in force would
// not accept: one council's rows for one period, service and metric, all
// from one submission, breaking one rule. Rule is the problem code ingest
// would give them now (out_of_range, value_mismatch,
// numerator_over_denominator, zero_denominator, metric_not_for_service,
// unknown_metric, unknown_service). Detail says why, from the first of the
// rows, which Provider and Line (in the submission's file) name.
type Misfit struct {
	Council     string
	CouncilName string // "" when the register does not know the code
	Period      string
	Service     string
	Metric      string
	Submission  string
	Rule        string
	Rows        int
	Provider    string // "" for a council-wide figure
	Line        int64
	Detail      string
}

// Who names the council, by name and code where the register knows it.
func (m Misfit) Who() string {
	if m.CouncilName != "" {
		return m.CouncilName + " (" + m.Council + ")"
	}
	return m.Council
}

// Fix says what puts the rows right.
func (m Misfit) Fix() string {
	switch m.Rule {
	case "unknown_metric":
		return fmt.Sprintf("put metric %s back in catalogue.yaml, or %s sends its return for %s, %s again without it",
			m.Metric, m.Who(), m.Period, m.Service)
	case "unknown_service":
		return fmt.Sprintf("put service %s back in catalogue.yaml", m.Service)
	}
	why := "a return replaces the earlier one as a whole"
	if m.Rule == "value_mismatch" {
		why += "; a value left blank is worked out again from the counts"
	}
	return fmt.Sprintf("%s sends its return for %s, %s again, with every row (%s), or put the catalogue's definition of %s back as it was",
		m.Who(), m.Period, m.Service, why, m.Metric)
}

func (m Misfit) String() string {
	row := "first"
	if m.Rows == 1 {
		row = "the row"
	}
	where := fmt.Sprintf("line %d of submission %s", m.Line, m.Submission)
	if m.Provider != "" {
		where += ", provider " + m.Provider
	} else {
		where += ", council-wide"
	}
	return fmt.Sprintf("%s, %s, %s, %s: %d %s (%s): %s (%s: %s)", m.Who(), m.Period, m.Service, m.Metric,
		m.Rows, misfitPlural(m.Rows, "row", "rows"), m.Rule, m.Detail, row, where)
}

// CatalogueError lists the current rows that the catalogue in force would
// not accept, so that no release publishes them. It unwraps to
// ErrCatalogueConflict, and to schemas.ErrUnknownMetric when a metric is
// missing from the catalogue.
type CatalogueError struct {
	// Misfits are the first MaxMisfits groups, by council, period,
	// service, metric and rule.
	Misfits []Misfit
	// Groups, Rows and Councils count every group found, the rows in them
	// and the councils they are from.
	Groups, Rows, Councils int

	unknownMetric bool
}

func (e *CatalogueError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d %s of %d %s", ErrCatalogueConflict, e.Rows, misfitPlural(e.Rows, "row", "rows"),
		e.Councils, misfitPlural(e.Councils, "council", "councils"))
	for i, m := range e.Misfits {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", e.Groups-i)
			break
		}
		b.WriteString("; ")
		b.WriteString(m.String())
	}
	return b.String()
}

func (e *CatalogueError) Unwrap() []error {
	if e.unknownMetric {
		return []error{ErrCatalogueConflict, schemas.ErrUnknownMetric}
	}
	return []error{ErrCatalogueConflict}
}

// recheck checks every current observation against the catalogue in
// force, loaded into the metrics table, and returns a *CatalogueError if
// any breaks it.
func (s *session) recheck(ctx context.Context, cat *schemas.Catalogue, councils *schemas.Councils) error {
	services := make([]string, len(cat.Services))
	for i, sv := range cat.Services {
		services[i] = sv.ID
	}
	rows, err := s.query(ctx, "recheck_catalogue", sql.Named("services", services))
	if err != nil {
		return err
	}
	defer rows.Close()
	found := &CatalogueError{}
	seen := map[string]bool{}
	for rows.Next() {
		var m Misfit
		var line sql.NullInt64
		var value, derived sql.NullFloat64
		var num, den sql.NullInt64
		if err := rows.Scan(&m.Council, &m.Period, &m.Service, &m.Metric, &m.Submission, &m.Rule, &m.Rows,
			&m.Provider, &line, &value, &num, &den, &derived); err != nil {
			return fmt.Errorf("recheck_catalogue: %w", err)
		}
		m.Line = line.Int64
		m.Detail = misfitDetail(cat, m, value, num, den, derived)
		if councils != nil {
			if c, ok := councils.ByCode(m.Council); ok {
				m.CouncilName = c.Name
			}
		}
		found.Groups++
		found.Rows += m.Rows
		if !seen[m.Council] {
			seen[m.Council] = true
			found.Councils++
		}
		found.unknownMetric = found.unknownMetric || m.Rule == "unknown_metric"
		if len(found.Misfits) < MaxMisfits {
			found.Misfits = append(found.Misfits, m)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("recheck_catalogue: %w", err)
	}
	if found.Groups > 0 {
		return found
	}
	return nil
}

// misfitDetail says why the example row of m breaks its rule, in the words
// of ingest's messages.
func misfitDetail(cat *schemas.Catalogue, m Misfit, value sql.NullFloat64, num, den sql.NullInt64, derived sql.NullFloat64) string {
	met, err := cat.Metric(m.Metric)
	if err != nil || m.Rule == "unknown_metric" {
		return fmt.Sprintf("metric %s is not in the catalogue", m.Metric)
	}
	switch m.Rule {
	case "unknown_service":
		return fmt.Sprintf("service %s is not in the catalogue", m.Service)
	case "metric_not_for_service":
		return fmt.Sprintf("metric %s is not reported for service %s; the catalogue gives it for %s",
			m.Metric, m.Service, strings.Join(met.Services, ", "))
	case "zero_denominator":
		return fmt.Sprintf("the denominator is 0, which a %s cannot have", met.Kind)
	case "numerator_over_denominator":
		return fmt.Sprintf("the numerator (%d) is larger than the denominator (%d), which a proportion cannot be", num.Int64, den.Int64)
	case "out_of_range":
		return fmt.Sprintf("value %s is outside the range of %s (%s to %s)", misfitNumber(value.Float64), m.Metric, misfitBound(met.Min), misfitBound(met.Max))
	case "value_mismatch":
		return fmt.Sprintf("value %s but numerator/denominator give %s (%d / %d x %s, the multiplier of a %s in %s)",
			misfitNumber(value.Float64), misfitNumber(derived.Float64), num.Int64, den.Int64, misfitNumber(met.Multiplier), met.Kind, met.Unit)
	}
	return m.Rule
}

func misfitNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func misfitBound(b *float64) string {
	if b == nil {
		return "any"
	}
	return misfitNumber(*b)
}

func misfitPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
