package duckdb

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// The methods a similar_councils table can record.
const (
	// NearestNeighboursMethod names version 1 of Yardstick's nearest
	// neighbours (see queries/similar_nearest_neighbours.sql). A change to
	// the features, weights or pool is a new version.
	NearestNeighboursMethod = "yardstick-nn-v1"
	// PeerGroupsMethod marks similar councils taken from a user's
	// peer-groups.csv.
	PeerGroupsMethod = "peer-groups.csv"
	// DefaultNeighbours is how many similar councils nearest neighbours
	// finds when BuildInput.Neighbours is 0.
	DefaultNeighbours = 10
)

// ErrPeerGroups is returned, wrapped, when peer-groups.csv cannot be used.
// Its code is schemas.EINVALID: the user's file needs fixing.
var ErrPeerGroups error = &schemas.Error{Code: schemas.EINVALID, Message: "peer groups"}

func (s *session) loadMetrics(ctx context.Context, cat *schemas.Catalogue) error {
	if err := s.exec(ctx, "create_metrics"); err != nil {
		return err
	}
	rows := make([][]driver.Value, 0, len(cat.Metrics))
	for _, m := range cat.Metrics {
		services := m.Services
		if services == nil {
			services = []string{}
		}
		// The thresholds apply only under small_counts; elsewhere NULL.
		var small, minDen driver.Value
		if m.Disclosure == schemas.DisclosureSmallCounts {
			small, minDen = int64(m.SmallCount), int64(m.MinDenominator)
		}
		rows = append(rows, []driver.Value{
			m.ID, m.Title, string(m.Kind), string(m.Unit), m.Multiplier, string(m.Polarity),
			nullFloat(m.Min), nullFloat(m.Max), string(m.Disclosure), services,
			m.Description, m.Numerator, m.Denominator, m.Source,
			m.NumeratorCount, m.DenominatorCount, small, minDen,
		})
	}
	return s.appendRows(ctx, "metrics", rows)
}

func (s *session) loadCouncils(ctx context.Context, cs *schemas.Councils) error {
	if err := s.exec(ctx, "create_councils"); err != nil {
		return err
	}
	var rows [][]driver.Value
	if cs != nil {
		for _, c := range cs.All() {
			var pop, area driver.Value
			if c.Population > 0 {
				pop = int64(c.Population)
			}
			if c.AreaKm2 > 0 {
				area = c.AreaKm2
			}
			rows = append(rows, []driver.Value{
				c.Code, c.RegistryCode, c.Name, c.OfficialName, c.Type, c.TypeName, c.Region, c.Nation,
				nullTime(c.Start), nullTime(c.End), pop, area, c.SocialCare(), c.WasteCollection(), c.County,
			})
		}
	}
	return s.appendRows(ctx, "councils", rows)
}

// AnyResponsibility names, in similar_councils' responsibility column,
// the list for services that need no responsibility
// (schemas.Service.Responsibility empty), which any council may
// commission.
const AnyResponsibility = "any"

// loadSimilarCouncils builds similar_councils, one list per council and
// responsibility a service of cat needs: from the user's peer groups when
// peerGroupsFile is set, else by nearest neighbours.
func (s *session) loadSimilarCouncils(ctx context.Context, cat *schemas.Catalogue, peerGroupsFile string, k int) error {
	if err := s.exec(ctx, "create_peer_groups"); err != nil {
		return err
	}
	if err := s.loadServiceResponsibilities(ctx, cat); err != nil {
		return err
	}
	if peerGroupsFile == "" {
		if k <= 0 {
			k = DefaultNeighbours
		}
		if err := s.exec(ctx, "similar_nearest_neighbours", sql.Named("k", int64(k)), sql.Named("method", NearestNeighboursMethod)); err != nil {
			return err
		}
		return s.exec(ctx, "peer_groups_from_neighbours")
	}
	if err := checkPeerGroups(peerGroupsFile); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrPeerGroups, peerGroupsFile, err)
	}
	if err := s.exec(ctx, "load_peer_groups", sql.Named("path", peerGroupsFile)); err != nil {
		return fmt.Errorf("%w: %s needs the columns group_id and council_code: %w", ErrPeerGroups, peerGroupsFile, err)
	}
	unknown, err := column[string](ctx, s, "unknown_peer_councils")
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%w: %s: %s not the current GSS code of any council", ErrPeerGroups, peerGroupsFile, listCodes(unknown))
	}
	return s.exec(ctx, "similar_from_peer_groups", sql.Named("method", PeerGroupsMethod))
}

// loadServiceResponsibilities fills service_responsibilities with the
// responsibility each service of cat needs, which chooses the list of
// similar councils its rows are compared with.
func (s *session) loadServiceResponsibilities(ctx context.Context, cat *schemas.Catalogue) error {
	if err := s.exec(ctx, "similar_service_responsibilities"); err != nil {
		return err
	}
	var rows [][]driver.Value
	if cat != nil {
		for _, sv := range cat.Services {
			rows = append(rows, []driver.Value{sv.ID, cmp.Or(string(sv.Responsibility), AnyResponsibility)})
		}
	}
	return s.appendRows(ctx, "service_responsibilities", rows)
}

// loadPeriodLinks fills period_links for every observed period.
func (s *session) loadPeriodLinks(ctx context.Context) error {
	if err := s.exec(ctx, "create_period_links"); err != nil {
		return err
	}
	periods, err := column[string](ctx, s, "observed_periods")
	if err != nil {
		return err
	}
	rows := make([][]driver.Value, 0, len(periods))
	for _, id := range periods {
		p, err := schemas.ParsePeriod(id)
		if err != nil {
			return fmt.Errorf("observed period: %w", err)
		}
		if p.ID != id {
			return fmt.Errorf("observed period %q is not canonical (%q)", id, p.ID)
		}
		rows = append(rows, []driver.Value{p.ID, string(p.Kind), p.Start, p.End, p.Previous().ID, p.YearEarlier().ID})
	}
	return s.appendRows(ctx, "period_links", rows)
}

// column runs the embedded query name, which returns one column, and
// returns its values.
func column[T any](ctx context.Context, s *session, name string, args ...any) ([]T, error) {
	rows, err := s.query(ctx, name, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

func listCodes(codes []string) string {
	const show = 10
	verb := "is"
	if len(codes) > 1 {
		verb = "are"
	}
	if len(codes) > show {
		return fmt.Sprintf("%s and %d more %s", strings.Join(codes[:show], ", "), len(codes)-show, verb)
	}
	return strings.Join(codes, ", ") + " " + verb
}

func nullFloat(p *float64) driver.Value {
	if p == nil {
		return nil
	}
	return *p
}

func nullTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t
}

// checkPeerGroups reads peer-groups.csv as a user writes it, before
// DuckDB does, so that a file DuckDB would refuse with its own words (a
// row with more or fewer cells than the header, a header without the
// columns) gets an error that names the line and says what to change.
func checkPeerGroups(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	first, _ := br.Peek(4096)
	r := csv.NewReader(br)
	line, _, _ := bytes.Cut(first, []byte("\n"))
	if !bytes.ContainsRune(line, ',') {
		for _, c := range []rune{';', '\t'} {
			if bytes.ContainsRune(line, c) {
				r.Comma = c
				break
			}
		}
	}
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("no header row: %w", err)
	}
	var has [2]bool
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		has[0] = has[0] || h == "group_id"
		has[1] = has[1] || h == "council_code"
	}
	if !has[0] || !has[1] {
		return fmt.Errorf("the header %q needs the columns group_id and council_code", strings.Join(header, string(r.Comma)))
	}
	for {
		_, err := r.Read()
		if err == io.EOF {
			return nil
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) && errors.Is(err, csv.ErrFieldCount) {
			return fmt.Errorf("line %d has a different number of cells from the header's %d: give every row "+
				"group_id and council_code in the header's columns (other columns may be left empty, not left out)", perr.Line, len(header))
		}
		if err != nil {
			return err
		}
	}
}
