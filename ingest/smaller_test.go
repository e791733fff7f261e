package ingest

import (
	"fmt"
	"testing"
)

// TestSmallerDoorCases checks issue 12's smaller points, each against the
// outcome a council officer would expect: the catalogue's own service
// title is a service; a note below the figures is passed over with a
// warning, not an error; and two columns for one field are one error, not
// an error and a warning that contradicts it.
func TestSmallerDoorCases(t *testing.T) {
	t.Parallel()
	const row = "E08000009,1-101234567,Acme Care Ltd,private,%s,hc-visits-on-time,2024-25-Q1,40,50,,\n"
	tests := []struct {
		name     string
		input    string
		accepted bool
		service  string    // the service stored, for an accepted file
		want     []Problem // every problem, in order: code, line, column and severity
	}{
		{name: "service by its title", input: header + fmt.Sprintf(row, "Home care"), accepted: true, service: "homecare"},
		{name: "service title in capitals", input: header + fmt.Sprintf(row, "HOME  CARE"), accepted: true, service: "homecare"},
		{name: "service id misspelt", input: header + fmt.Sprintf(row, "home-care"),
			want: []Problem{{Code: CodeService, Line: 2, Column: 5, Severity: SevError}}},
		{name: "a service that is not one", input: header + fmt.Sprintf(row, "Home help"),
			want: []Problem{{Code: CodeService, Line: 2, Column: 5, Severity: SevError}}},
		{name: "footer rows", accepted: true, service: "homecare",
			input: header + fmt.Sprintf(row, "homecare") + ",,,,,,,,,,\nSource: Trafford Council,,,,,,,,,,\n* provisional\nNotes,,\n",
			want: []Problem{
				{Code: CodeFooterRow, Line: 4, Severity: SevWarning},
				{Code: CodeFooterRow, Line: 5, Severity: SevWarning},
				{Code: CodeFooterRow, Line: 6, Severity: SevWarning},
			}},
		{name: "a lone code is no footer", input: header + fmt.Sprintf(row, "homecare") + "E08000009,,,,,,,,,,\n",
			want: []Problem{
				{Code: CodeService, Line: 3, Column: 5, Severity: SevError},
				{Code: CodeMetric, Line: 3, Column: 6, Severity: SevError},
				{Code: CodePeriod, Line: 3, Column: 7, Severity: SevError},
			}},
		{name: "two value columns", input: "council_code,provider_id,provider_name,service,metric,period,value,value\n" +
			"E08000009,1-101234567,Acme,homecare,hc-visits-on-time,2024-25-Q1,80,80\n",
			want: []Problem{{Code: CodeDuplicateColumn, Line: 1, Column: 8, Severity: SevError}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			rep := ingestBytes(t, p, []byte(tt.input), Options{})
			if rep.Accepted() != tt.accepted {
				t.Fatalf("accepted %v, want %v: %v", rep.Accepted(), tt.accepted, rep.Problems)
			}
			var got []Problem
			for _, pr := range rep.Problems {
				got = append(got, Problem{Code: pr.Code, Line: pr.Line, Column: pr.Column, Severity: pr.Severity})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("problems %v, want %v", rep.Problems, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("problem %d: %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			if tt.accepted {
				m := whManifest(t, p.Layout.Submission(rep.Submission))
				if len(m.Services) != 1 || m.Services[0] != tt.service {
					t.Errorf("services %v, want [%s]", m.Services, tt.service)
				}
			}
		})
	}
}
