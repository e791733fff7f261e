package ingest

import (
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestLocalProviderIDs checks that a LOCAL-<council>-<ref> provider id is
// accepted only in its own council's rows (issue 11): another council's
// LOCAL id, or one whose council part names no council, is an error on
// the cell, whose hint gives the form the row's council should use.
func TestLocalProviderIDs(t *testing.T) {
	t.Parallel()
	const header = "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n"
	row := func(council, id string) string {
		return council + "," + id + ",In-house home care,public,homecare,hc-visits-on-time,2024-25-Q1,412,460,,\n"
	}
	tests := []struct {
		name     string
		rows     string
		council  string // the --council option, if any
		code     string // the one error expected on line 2, column 2; "" for none
		msgHas   []string
		hintHas  []string
		accepted bool
	}{
		{name: "own register code", rows: row("E08000009", "LOCAL-TRF-HC01"), accepted: true},
		{name: "own GSS code", rows: row("E08000009", "LOCAL-E08000009-HC01"), accepted: true},
		{name: "own code, council by name", rows: row("Trafford", "LOCAL-TRF-HC01"), accepted: true},
		{name: "two councils each their own", rows: row("E08000009", "LOCAL-TRF-HC01") + row("E08000010", "LOCAL-WGN-HC01"), accepted: true},
		{name: "another council's register code", rows: row("E08000009", "LOCAL-WGN-HC01"),
			code: CodeLocalIDCouncil, msgHas: []string{"Wigan", "E08000010", "E08000009"}, hintHas: []string{"LOCAL-TRF-", "LOCAL-E08000009-"}},
		{name: "another council's GSS code", rows: row("E08000009", "LOCAL-E08000010-HC01"),
			code: CodeLocalIDCouncil, msgHas: []string{"Wigan"}, hintHas: []string{"LOCAL-TRF-"}},
		{name: "another council's id, council given as option", rows: row("E08000009", "LOCAL-WGN-HC01"), council: "E08000009",
			code: CodeLocalIDCouncil, hintHas: []string{"LOCAL-TRF-"}},
		{name: "register code of no council", rows: row("E08000009", "LOCAL-ZZQ-HC01"),
			code: CodeLocalIDUnknown, msgHas: []string{`"ZZQ"`}, hintHas: []string{"LOCAL-TRF-"}},
		{name: "GSS code of no council", rows: row("E08000009", "LOCAL-E08999999-HC01"),
			code: CodeLocalIDUnknown, msgHas: []string{`"E08999999"`}},
		{name: "council part neither code", rows: row("E08000009", "LOCAL-TRAFFORD-HC01"),
			code: CodeLocalIDUnknown, hintHas: []string{"LOCAL-TRF-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			rep := ingestBytes(t, p, []byte(header+tt.rows), Options{Council: tt.council})
			if rep.Accepted() != tt.accepted {
				t.Fatalf("accepted = %v, want %v; problems %v", rep.Accepted(), tt.accepted, rep.Problems)
			}
			if tt.code == "" {
				for _, pr := range rep.Problems {
					if strings.HasPrefix(pr.Code, "local_id") {
						t.Errorf("unexpected %v", pr)
					}
				}
				return
			}
			if rep.Errors != 1 || len(rep.Problems) != 1 {
				t.Fatalf("want one error, got %v", rep.Problems)
			}
			pr := rep.Problems[0]
			if pr.Code != tt.code || pr.Line != 2 || pr.Column != 2 || pr.Field != "provider_id" || pr.Severity != SevError {
				t.Errorf("got %+v, want %s at line 2, column 2 (provider_id)", pr, tt.code)
			}
			for _, s := range tt.msgHas {
				if !strings.Contains(pr.Message, s) {
					t.Errorf("message %q does not name %q", pr.Message, s)
				}
			}
			for _, s := range tt.hintHas {
				if !strings.Contains(pr.Hint, s) {
					t.Errorf("hint %q does not give %q", pr.Hint, s)
				}
			}
		})
	}
}

// TestProviderNamesDiffer checks that one provider id given two names in
// one return is a warning naming both lines and both names, once per id,
// and that differences of case and spacing alone are not.
func TestProviderNamesDiffer(t *testing.T) {
	t.Parallel()
	const header = "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n"
	line := func(id, name, metric string) string {
		return "E08000009," + id + "," + name + ",private,homecare," + metric + ",2024-25-Q1,40,50,,\n"
	}
	in := header +
		line("1-101234567", "Acme Care Ltd", "hc-visits-on-time") + // line 2
		line("1-101234567", "ACME  care ltd", "hc-continuity") + // line 3: case and spacing only
		line("1-109999999", "Brook Homecare", "hc-visits-on-time") + // line 4
		line("1-101234567", "Acme Care Limited", "staff-turnover") + // line 5: the warning
		line("1-101234567", "Apex Care", "vacancy-rate") // line 6: one warning per id is enough
	p := testPipeline(t)
	rep := ingestBytes(t, p, []byte(in), Options{})
	if !rep.Accepted() {
		t.Fatalf("rejected: %v", rep.Problems)
	}
	var got []Problem
	for _, pr := range rep.Problems {
		if pr.Code == CodeProviderNames {
			got = append(got, pr)
		}
	}
	if len(got) != 1 {
		t.Fatalf("got %d provider_names_differ warnings, want 1: %v", len(got), rep.Problems)
	}
	pr := got[0]
	if pr.Line != 5 || pr.Column != 3 || pr.Field != "provider_name" || pr.Severity != SevWarning || pr.Value != "Acme Care Limited" {
		t.Errorf("got %+v, want a warning at line 5, column 3 (provider_name)", pr)
	}
	for _, s := range []string{"line 2", "line 5", `"Acme Care Ltd"`, `"Acme Care Limited"`, "1-101234567"} {
		if !strings.Contains(pr.Message, s) {
			t.Errorf("message %q does not name %s", pr.Message, s)
		}
	}
}

// TestProviderIsTotal checks that a row of totals named as a provider ("All
// providers") is an error whose hint says to leave the provider blank,
// rather than the hint for a missing id, which would publish the total as
// a provider; and that a provider whose name only starts like one is not.
func TestProviderIsTotal(t *testing.T) {
	t.Parallel()
	const header = "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n"
	tests := []struct {
		name, id, provider string
		total              bool
	}{
		{"all providers, no id", "", "All providers", true},
		{"all providers, with the id the old hint asked for", "LOCAL-TRF-ALL", "All Providers", true},
		{"total in capitals with a colon", "", "TOTAL:", true},
		{"council total", "", "Council total", true},
		{"a firm called Total Care", "1-101234567", "Total Care Ltd", false},
		{"a firm called Overall Homecare", "1-101234567", "Overall Homecare", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := header + "E08000009," + tt.id + "," + tt.provider + ",,homecare,hc-visits-on-time,2024-25-Q1,40,50,,\n"
			rep := ingestBytes(t, testPipeline(t), []byte(in), Options{})
			if !tt.total {
				if !rep.Accepted() {
					t.Fatalf("rejected: %v", rep.Problems)
				}
				return
			}
			if rep.Errors != 1 || len(rep.Problems) != 1 {
				t.Fatalf("want one error, got %v", rep.Problems)
			}
			pr := rep.Problems[0]
			if pr.Code != CodeProviderTotal || pr.Line != 2 || pr.Column != 3 || pr.Value != tt.provider {
				t.Errorf("got %+v, want provider_is_total at line 2, column 3", pr)
			}
			if !strings.Contains(pr.Hint, "leave provider_id and provider_name both blank") {
				t.Errorf("hint %q does not say to leave the provider blank", pr.Hint)
			}
		})
	}
}

// TestMappingConstantCouncil checks that a mapping's constant council_code
// cannot relabel a file whose own council column names another council:
// each such row is a council_mismatch error at the file's column, naming
// both councils (issue 12, item 9). Rows whose column agrees pass, and the
// column draws no unknown_column warning, since it is read.
func TestMappingConstantCouncil(t *testing.T) {
	t.Parallel()
	in := "LA code,provider_id,provider_name,service,metric,period,numerator,denominator\n" +
		"E08000009,1-101234567,Acme,homecare,hc-visits-on-time,2024-25-Q1,40,50\n" + // line 2: agrees
		"E08000010,1-101234567,Acme,homecare,hc-continuity,2024-25-Q1,40,50\n" + // line 3: Wigan
		"Wigan,1-101234567,Acme,homecare,staff-turnover,2024-25-Q1,4,50\n" // line 4: Wigan by name
	p := testPipeline(t)
	m := &schemas.Mapping{Constant: map[string]string{"council_code": "E08000009"}}
	rep := ingestBytes(t, p, []byte(in), Options{Mapping: m})
	if rep.Accepted() {
		t.Fatalf("accepted a Wigan file relabelled as Trafford's")
	}
	var lines []int
	for _, pr := range rep.Problems {
		if pr.Code == CodeUnknownColumn {
			t.Errorf("the council column drew %v", pr)
		}
		if pr.Code != CodeCouncilMismatch {
			continue
		}
		lines = append(lines, pr.Line)
		if pr.Column != 1 || pr.Field != "council_code" || !strings.Contains(pr.Message, "Trafford (E08000009)") ||
			!strings.Contains(pr.Message, "Wigan (E08000010)") || !strings.Contains(pr.Message, `"LA code"`) {
			t.Errorf("got %+v", pr)
		}
	}
	if len(lines) != 2 || lines[0] != 3 || lines[1] != 4 || rep.Errors != 2 {
		t.Errorf("council_mismatch on lines %v with %d errors, want lines [3 4] and 2 errors: %v", lines, rep.Errors, rep.Problems)
	}
	// The same mapping for Trafford's own file is fine.
	own := strings.ReplaceAll(strings.ReplaceAll(in, "E08000010", "E08000009"), "Wigan", "Trafford")
	if rep := ingestBytes(t, p, []byte(own), Options{Mapping: m}); !rep.Accepted() {
		t.Errorf("Trafford's own file rejected: %v", rep.Problems)
	}
}
