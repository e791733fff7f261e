package sample_test

import (
	"fmt"
	"log"
	"os"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/ingest/sample"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// A benchmark input: about a thousand rows in one canonical file. The same
// seed writes the same bytes on every run.
func ExampleGenerate() {
	cat, err := config.Builtin()
	if err != nil {
		log.Fatal(err)
	}
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "sample")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	sum, err := sample.Generate(dir, cat, councils, sample.Options{Rows: 1000, Seed: 1, OneFile: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sum.Files, "file,", sum.Councils, "councils,", len(sum.Periods), "quarters from", sum.Periods[0])
	// Output: 1 file, 8 councils, 8 quarters from 2023-24-Q1
}
