package main

import (
	"fmt"
	"io"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/publish/api"
	"github.com/yardstick-open/yardstick/publish/site"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// setup is what every command that works on a data folder needs: the
// folder's layout, the metric catalogue (built in, with the folder's
// catalogue.yaml) and the register of councils. Commands build it once and
// hand its parts to ingest and publish, which never borrow each other's
// types.
type setup struct {
	layout    schemas.Layout
	catalogue *schemas.Catalogue
	councils  *schemas.Councils
	// noSite leaves the website out of the releases it builds.
	noSite bool
	// memoryLimit caps DuckDB's memory while publish builds the tables
	// ("2GB"); past it DuckDB spills to the build's scratch folder. ""
	// keeps DuckDB's default, 80% of the machine's memory.
	memoryLimit string
}

// loadSetup reads the catalogue and the councils for the data folder at
// dataDir.
func loadSetup(dataDir string) (*setup, error) {
	layout := schemas.Layout{Root: dataDir}
	cat, err := config.LoadCatalogue(layout.CatalogueFile())
	if err != nil {
		return nil, err
	}
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		return nil, err
	}
	return &setup{layout: layout, catalogue: cat, councils: councils}, nil
}

// pipeline returns an ingest pipeline for the data folder.
func (s *setup) pipeline() *ingest.Pipeline {
	return &ingest.Pipeline{Layout: s.layout, Catalogue: s.catalogue, Councils: s.councils}
}

// builder returns a release builder for the data folder, logging to log.
func (s *setup) builder(log io.Writer) *publish.Builder {
	b := &publish.Builder{Layout: s.layout, Catalogue: s.catalogue, Councils: s.councils, Log: log}
	b.DuckDB.MemoryLimit = s.memoryLimit
	if !s.noSite {
		b.Site = &site.Builder{}
		// The website's API page is generated from the document the
		// server answers; without it the page is left out, not wrong.
		if doc, err := api.New(api.Config{Layout: s.layout}).OpenAPIDocument(); err == nil {
			b.Site.OpenAPI = doc
		} else {
			fmt.Fprintf(log, "the website will have no API page: %v\n", err)
		}
	}
	return b
}
