package registers

import (
	"errors"
	"testing"
)

// withFields is a row type gocsv fills through UnmarshalCSVWithFields,
// passing each cell's header; for a cell past the end of the header gocsv
// indexes past its header slice and panics.
type withFields struct {
	Name string `csv:"name"`
	n    int
}

func (w *withFields) UnmarshalCSVWithFields(key, value string) error {
	w.n++
	return nil
}

// TestDecodeTableRecovers feeds gocsv a row wider than its header, which
// makes it panic, and checks the panic comes back as an error.
func TestDecodeTableRecovers(t *testing.T) {
	t.Parallel()
	_, err := decodeTable[withFields]([]string{"name"}, [][]string{{"a", "b", "c"}})
	if !errors.Is(err, errDecodePanic) {
		t.Fatalf("error %v, want one wrapping errDecodePanic", err)
	}
	// The same rows within the header decode.
	rows, err := decodeTable[withFields]([]string{"name", "x", "y"}, [][]string{{"a", "b", "c"}})
	if err != nil || len(rows) != 1 || rows[0].n != 3 {
		t.Fatalf("rows %v, error %v", rows, err)
	}
}

// TestParseWideRow checks that a row wider than its header, the input
// that makes gocsv panic, is read: Parse hands gocsv only the matched
// columns.
func TestParseWideRow(t *testing.T) {
	t.Parallel()
	p := Parse([]byte("URN,Name\nSC000001,Oak,extra,cells,here\n"), nil, nil)
	if p.Errors != 0 || len(p.Records) != 1 || p.Records[0].Name != "Oak" {
		t.Fatalf("records %+v, problems %v", p.Records, p.Problems)
	}
}

// FuzzParse checks that no input makes Parse panic, and that a file it
// accepts gives records with an identifier each.
func FuzzParse(f *testing.F) {
	f.Add([]byte("URN,Name,Sector\nSC000001,Oak,Private\n"))
	f.Add([]byte("\ufefftitle,,\nLocation ID,Location Name,Publication Date\n1-100000001,\"a\nb\",31/01/2024\n,,\n"))
	f.Add([]byte("x,y\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := Parse(b, nil, councils())
		for _, r := range p.Records {
			if r.LocationID == "" && r.ProviderID == "" && r.URN == "" {
				t.Fatalf("record without an identifier: %+v", r)
			}
		}
	})
}
