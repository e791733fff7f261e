package registers

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse reads the Ofsted example register (600 providers).
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "examples", "ofsted_csc_providers_at_31mar2023.csv"))
	if err != nil {
		b.Fatal(err)
	}
	cs := councils()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if p := Parse(data, nil, cs); p.Errors > 0 {
			b.Fatal(p.Problems[0])
		}
	}
}

// BenchmarkBuild builds the register from the three example imports.
func BenchmarkBuild(b *testing.B) {
	var sources []Source
	for _, name := range []string{"ofsted_csc_providers_at_31mar2023.csv", "trafford_care_homes_cqc.csv", "cqc_inspections_community_asc_sample.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", "examples", name))
		if err != nil {
			b.Fatal(err)
		}
		p := Parse(data, nil, councils())
		sources = append(sources, Source{ID: name, AsAt: p.Layout.AsAt, Records: p.Records})
	}
	for b.Loop() {
		Build(sources)
	}
}
