// Package schemas is Yardstick's vocabulary: the metric catalogue, the return
// format's canonical columns and header aliases, reporting periods, value
// markers, the councils of the reference data and the layout of the data
// folder that ingest and publish share.
//
// It imports only the standard library, so every other package can depend on
// it. Loading YAML (the built-in catalogue, a user catalogue.yaml, mapping
// files) lives in schemas/config.
//
// # Periods
//
// Canonical period ids are UK financial-year quarters ("2024-25-Q1" is April
// to June 2024), financial years ("2024-25", April 2024 to March 2025) and
// calendar months ("2024-06"). ParsePeriod also accepts the spellings councils
// use: "Q1 2024/25", "2024/25 Q1", "Apr-Jun 2024", "2024/25", "June 2024".
//
// # Value markers
//
// A cell that holds no figure carries a marker in the GSS convention: [c]
// confidential or suppressed, [x] not available, [z] not applicable. A figure
// may carry [u] low reliability, [r] revised or [p] provisional. In Parquet
// and JSON the letter goes in a status column; human tables show the
// bracketed form.
package schemas
