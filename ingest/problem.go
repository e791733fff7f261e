package ingest

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a problem blocks a submission.
type Severity string

// The severities of a problem.
const (
	SevError   Severity = "error"   // the file is rejected
	SevWarning Severity = "warning" // reported; the file may still be accepted
)

// Problem codes. They are stable: councils' tools may branch on them.
const (
	CodeEmptyFile       = "empty_file"
	CodeBinaryFile      = "binary_file"
	CodeEncoding        = "encoding"
	CodeLineTooLong     = "line_too_long"
	CodeCSVSyntax       = "csv_syntax"
	CodeNoHeader        = "no_header"
	CodeMissingColumn   = "missing_column"
	CodeDuplicateColumn = "duplicate_column"
	CodeUnknownColumn   = "unknown_column"
	CodeFieldCount      = "field_count"
	// CodeFooterRow warns that a line below the figures, such as "Source:
	// NHS England" with the other cells blank, was passed over.
	CodeFooterRow        = "footer_row"
	CodeNoRows           = "no_rows"
	CodeCouncil          = "unknown_council"
	CodeCouncilAmbiguous = "ambiguous_council"
	CodeCouncilEnded     = "council_not_in_period"
	CodeCouncilMismatch  = "council_mismatch"
	CodeNotCouncil       = "not_a_council"
	CodeCouncilScope     = "council_out_of_scope"
	CodeResponsibility   = "council_not_responsible"
	CodeService          = "unknown_service"
	CodeMetric           = "unknown_metric"
	CodeMetricService    = "metric_not_for_service"
	CodePeriod           = "bad_period"
	CodeFuturePeriod     = "future_period"
	CodeProviderID       = "bad_provider_id"
	CodeProviderMissing  = "provider_id_missing"
	// CodeProviderTotal is a row whose provider is a total ("All
	// providers"), which would otherwise be published as a provider.
	CodeProviderTotal   = "provider_is_total"
	CodeSector          = "bad_sector"
	CodeNumber          = "bad_number"
	CodeSplitFigure     = "split_figure"
	CodeCountTooLarge   = "count_too_large"
	CodeCountSum        = "counts_sum_too_large"
	CodeValueTooLarge   = "value_too_large"
	CodeNegative        = "negative"
	CodeRange           = "out_of_range"
	CodeNumOverDen      = "numerator_over_denominator"
	CodeZeroDenominator = "zero_denominator"
	CodeMismatch        = "value_mismatch"
	CodeMismatchSmall   = "value_rounding"
	CodePercentUnit     = "percent_not_allowed"
	CodeMarker          = "bad_marker"
	CodeDuplicateRow    = "duplicate_row"
	// CodeLocalIDCouncil is a LOCAL-<council>-<ref> provider id of another
	// council than the row's: a council's local references are its own.
	CodeLocalIDCouncil = "local_id_other_council"
	// CodeLocalIDUnknown is a LOCAL-<council>-<ref> provider id whose
	// council part names no council.
	CodeLocalIDUnknown = "local_id_unknown_council"
	// CodeProviderNames warns that one provider id has two names in one
	// return, naming the line of each.
	CodeProviderNames = "provider_names_differ"
	// CodeProviderMatched tells that a row naming a provider without its
	// provider_id was linked, by its name, to the one provider of that
	// name in the council's area in the provider register; it is given
	// once per name, with the id to add.
	CodeProviderMatched = "provider_matched_by_name"
	// CodeProviderMatchedInReturn tells that rows naming a provider
	// without its provider_id were linked to the id another line of the
	// same return gives that name (in the same council), naming that
	// line; it is given once per name, with the id to add.
	CodeProviderMatchedInReturn = "provider_matched_in_return"
	// CodeProviderAmbiguous is a row naming a provider without its
	// provider_id where the return itself gives that name two ids, or the
	// provider register has entries of that name for more than one
	// organisation in the council's area: the error names each line or
	// entry, with the id to give. It is also a line giving a name another
	// id than rows of that name without one were stored under.
	CodeProviderAmbiguous = "provider_name_ambiguous"
	// CodeProviderOutsideArea is a row naming a provider without its
	// provider_id where the provider register has that name only outside
	// the council's area, which may be another organisation: the error
	// names each entry, with the id to give if it is the one.
	CodeProviderOutsideArea = "provider_name_outside_area"
	// CodeWithdrawsRows warns that an accepted return replaces an earlier
	// one for a council, period and service without carrying all its rows,
	// so the next publish withdraws those it leaves out.
	CodeWithdrawsRows = "withdraws_rows"
	// CodeCurrentAgain tells that a file received before, and replaced
	// since, was stored again as a new submission and is current again.
	CodeCurrentAgain = "current_again"
)

// Problem is one thing wrong with a return, placed so a council officer can
// find it: Line is the line number a text editor shows (1 is the first
// line, preamble included; 0 when the problem is about the return as a
// whole, as withdraws_rows is), Column the 1-based column in that line (0
// when the problem is not in one cell; for csv_syntax problems, the
// character position in the line where reading failed), Field the
// canonical column.
type Problem struct {
	Line     int      `json:"line"`
	Column   int      `json:"column,omitempty"`
	Field    string   `json:"field,omitempty"`
	Value    string   `json:"value,omitempty"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
	Severity Severity `json:"severity"`
}

func (p Problem) String() string {
	s := "the return"
	if p.Line > 0 {
		s = fmt.Sprintf("line %d", p.Line)
	}
	if p.Column > 0 {
		s += fmt.Sprintf(", column %d", p.Column)
	}
	if p.Field != "" {
		s += " (" + p.Field + ")"
	}
	s += ": " + string(p.Severity) + ": " + p.Message
	if p.Hint != "" {
		s += "\n    hint: " + p.Hint
	}
	return s
}

// MaxProblems is how many problems a report lists in full. A file with more
// (a shifted column repeats one mistake on every row) lists the first
// MaxProblems and counts the rest by code, so a report stays readable and
// memory stays bounded.
const MaxProblems = 10000

// Report is the outcome of checking one return.
type Report struct {
	Submission string `json:"submission"`
	File       string `json:"file"`
	SHA256     string `json:"sha256"`
	Status     string `json:"status"`
	Duplicate  string `json:"duplicate_of,omitempty"`
	// Reinstates is the earlier submission of the same file, replaced
	// since, that this one makes current again (see CodeCurrentAgain).
	Reinstates string         `json:"reinstates,omitempty"`
	Council    string         `json:"council,omitempty"`
	Councils   []string       `json:"councils,omitempty"`
	Periods    []string       `json:"periods,omitempty"`
	Services   []string       `json:"services,omitempty"`
	Rows       int            `json:"rows"`
	Errors     int            `json:"errors"`
	Warnings   int            `json:"warnings"`
	Problems   []Problem      `json:"problems"`
	Omitted    map[string]int `json:"omitted,omitempty"` // problems beyond MaxProblems, by code
	// Withdrawals are the councils, periods and services for which this
	// return replaces an earlier accepted one without carrying all of its
	// rows; each is also a withdraws_rows warning.
	Withdrawals []Withdrawal `json:"withdrawals,omitempty"`
}

// Accepted reports whether the return was accepted.
func (r *Report) Accepted() bool { return r.Errors == 0 }

// problems collects problems with the cap described at MaxProblems. The
// decoder and the checks run on one goroutine, so it needs no lock.
type problems struct {
	list     []Problem
	errors   int
	warnings int
	omitted  map[string]int
}

func (ps *problems) add(p Problem) {
	if p.Severity == "" {
		p.Severity = SevError
	}
	if p.Severity == SevError {
		ps.errors++
	} else {
		ps.warnings++
	}
	if len(ps.list) >= MaxProblems {
		if ps.omitted == nil {
			ps.omitted = map[string]int{}
		}
		ps.omitted[p.Code]++
		return
	}
	// A value is a field of its CSV record and shares its memory: a
	// copy lets the record go, and a bound on each text keeps a report
	// of long lines within memory (MaxProblems of them).
	p.Value = strings.Clone(truncate(p.Value, maxProblemValue))
	p.Message = truncate(p.Message, maxProblemText)
	p.Hint = truncate(p.Hint, maxProblemText)
	ps.list = append(ps.list, p)
}

// maxProblemValue and maxProblemText are the most characters a problem
// keeps of its value, and of its message and its hint; longer ones end
// in "…". No real value or message comes near them.
const (
	maxProblemValue = 1 << 10
	maxProblemText  = 4 << 10
)

// sorted returns the problems in file order.
func (ps *problems) sorted() []Problem {
	out := append([]Problem(nil), ps.list...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Column < out[j].Column
	})
	if out == nil {
		out = []Problem{}
	}
	return out
}
