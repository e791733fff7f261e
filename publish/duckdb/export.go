package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"

	"github.com/yardstick-open/yardstick/schemas"
)

// Tables lists the tables Build makes, in the order a release lists them.
//
//	observations      the current observations (warehouse columns), after
//	                  disclosure control
//	comparisons       one row per observation with its statistics
//	benchmarks        one row per metric x period x service x level: the
//	                  national value, distribution and over-dispersion
//	funnel_limits     control-limit curves for funnel plots
//	providers         one row per provider: name, sector, councils, services
//	provider_profile  each provider pooled across councils, with the spread
//	metrics           the catalogue
//	councils          the register of councils
//	similar_councils  each council's similar councils and the method
//	peer_groups       the user's peer groups, or each council with its nearest neighbours
//	period_links      each period's previous and year-earlier periods
//	submissions       the accepted submissions and how many rows are current
var Tables = []string{
	"observations", "comparisons", "benchmarks", "funnel_limits", "providers", "provider_profile",
	"metrics", "councils", "similar_councils", "peer_groups", "period_links", "submissions",
}

// statusTables have a status column, shown bracketed ("[c]") in CSV as the
// GSS convention asks.
var statusTables = []string{"observations", "comparisons"}

// ExportParquet writes table to a Parquet file at path, atomically.
func (d *DB) ExportParquet(ctx context.Context, table, path string) error {
	return d.export(ctx, "export_parquet", table, path)
}

// ExportCSV writes table to a CSV file with a header at path, atomically.
// A status letter is written bracketed, as "[c]"; the value stays blank.
func (d *DB) ExportCSV(ctx context.Context, table, path string) error {
	q := "export_csv"
	if slices.Contains(statusTables, table) {
		q = "export_csv_status"
	}
	return d.export(ctx, q, table, path)
}

// export has DuckDB write the table to a temporary file beside path, then
// syncs it and renames it into place, so a reader never sees half a file.
func (d *DB) export(ctx context.Context, query, table, path string) error {
	if !slices.Contains(Tables, table) {
		return fmt.Errorf("export %q: %w", table, ErrUnknownTable)
	}
	p, err := schemas.CreatePending(path)
	if err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	defer p.Abort()
	if err := d.Exec(ctx, query, sql.Named("table", table), sql.Named("path", p.Name())); err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	// DuckDB wrote through its own handle; reopen ours so Commit syncs the
	// bytes DuckDB wrote rather than an empty file.
	f, err := os.OpenFile(p.Name(), os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	p.File.Close()
	p.File = f
	if err := p.Commit(); err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	return nil
}
