package site

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// docText returns publish/duckdb/doc.go's comment as one line of words,
// and the headings of its sections.
func docText(t *testing.T) (string, []string) {
	t.Helper()
	b, err := os.ReadFile("../duckdb/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var words, headings []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "//") {
			continue
		}
		l = strings.TrimSpace(strings.TrimPrefix(l, "//"))
		if h, ok := strings.CutPrefix(l, "# "); ok {
			headings = append(headings, h)
			continue
		}
		words = append(words, strings.Fields(l)...)
	}
	return strings.Join(words, " "), headings
}

// TestMethodology checks the methodology page against publish/duckdb's
// doc.go, point by point: every phrase a paragraph quotes is still in
// doc.go, word for word, and every section of doc.go has a section of
// the page. A rule changed in doc.go fails here until the page says the
// same in plain English.
func TestMethodology(t *testing.T) {
	t.Parallel()
	doc, headings := docText(t)
	if len(headings) < 4 {
		t.Fatalf("doc.go has %d sections (%v); the test reads it wrongly", len(headings), headings)
	}
	b, err := files.ReadFile(methodologyFile)
	if err != nil {
		t.Fatal(err)
	}
	secs, err := parseMethodology(string(b))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	quotes := 0
	for _, s := range secs {
		if !slices.Contains(headings, s.Source) {
			t.Errorf("section %q restates doc.go's section %q, which doc.go does not have (it has %v)", s.Title, s.Source, headings)
		}
		covered[s.Source] = true
		for i, qs := range s.Quotes {
			for _, q := range qs {
				quotes++
				if !strings.Contains(doc, strings.Join(strings.Fields(q), " ")) {
					t.Errorf("section %q, paragraph %d quotes %q, which doc.go no longer says: say what doc.go says now, in %s",
						s.Title, i+1, q, methodologyFile)
				}
			}
		}
	}
	for _, h := range headings {
		if !covered[h] {
			t.Errorf("doc.go's section %q has no section in %s", h, methodologyFile)
		}
	}
	if quotes < 30 {
		t.Errorf("only %d quotes of doc.go; every point should say which rule it restates", quotes)
	}
	// The disclosure rule's thresholds, as the page states them, are the
	// ones of schemas' small_counts rule (a numerator of 1 to 4, a
	// denominator under 10), worked out here from the rule's words.
	page := strings.Join(strings.Fields(string(b)), " ")
	for _, want := range []string{"numerator is 1 to 4", "denominator is under 10", "fewer than 5 figures", "95% and a 99.8%"} {
		if !strings.Contains(page, want) {
			t.Errorf("the methodology does not say %q", want)
		}
	}
}

// TestParseMethodology checks that a malformed methodology is refused
// with the line to fix.
func TestParseMethodology(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ Name, Text, Err string }{
		{"no source", "## Title\nText.\n= quote\n", "line 1"},
		{"text first", "Text.\n", "line 1: text before the first section"},
		{"quote first", "## T {S}\n= quote\n", "line 2: a quote"},
		{"unquoted paragraph", "## T {S}\nOne.\n= q\n\nTwo.\n", "paragraph 2 quotes nothing"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			_, err := parseMethodology(tc.Text)
			if err == nil || !strings.Contains(err.Error(), tc.Err) {
				t.Errorf("error %v, want one saying %q", err, tc.Err)
			}
		})
	}
	secs, err := parseMethodology("# a note\n## Who counts {Input}\nFirst line\nsecond line.\n= a\n= b\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 1 || secs[0].Title != "Who counts" || secs[0].Source != "Input" || secs[0].ID != "who-counts" ||
		!slices.Equal(secs[0].Paragraphs, []string{"First line second line."}) || !slices.Equal(secs[0].Quotes[0], []string{"a", "b"}) {
		t.Errorf("parsed %+v", secs)
	}
}
