// Package sample writes realistic synthetic performance returns for the
// current English councils, for demonstrations, tests and benchmarks.
//
// Generate writes one return per council and period, named
// <GSS code>_<period id>.csv, each as that council might send it: the
// long format of the return (one row per provider x service x metric x
// period) in the council's own house style. The styles vary between
// councils as real returns do, and are fixed per council: header spellings
// from the aliases schemas knows ("LA code", "Provider", "Measure",
// "Quarter"), period spellings ("2024-25-Q1", "Q1 2024/25", "2024/25 Q1",
// "Apr-Jun 2024"), UTF-8 with or without a byte-order mark or
// Windows-1252, LF or CRLF line ends, comma, semicolon or tab delimiters,
// one to three title rows before the header, figures written "85.3%",
// "1,234" or "£21.45", the council named by its GSS code or, now and then,
// by its name. With Options.OneFile everything goes instead into one
// canonical file, returns.csv: UTF-8, commas, canonical headers, GSS codes
// and canonical period ids.
//
// Social-care authorities (counties, unitaries, metropolitan districts and
// London boroughs) return figures for home care, care homes, supported
// living and children's homes, and council-wide adult social care outcomes
// without a provider; waste-collection authorities (districts, unitaries,
// metropolitan districts and London boroughs) return figures for their
// waste contractors or in-house service.
//
// The providers form one market shared by every council: national chains
// (sector plc or private) present in many councils, regional firms within a
// region, local charities (voluntary) in one or two councils, small private
// agencies, and each council's in-house services (public). A provider has
// the same id and name in every council's return. Ids follow the real
// formats — a CQC provider id (1-101234567) for adult care, an Ofsted URN
// (SC123456) for children's homes, GB-COH- and a company number for waste
// contractors, GB-CHC- and a charity number for some charities, and
// LOCAL-<register code>-<ref> for in-house services — but every id and
// every provider name is invented: any likeness to a real organisation is
// coincidence.
//
// The figures are drawn as real ones behave. Each provider has a true
// level on each metric, spread between providers more widely than chance
// alone would give (overdispersion); each council's figure for it is a
// binomial or Poisson draw around that level from a denominator scaled by
// the provider's size and the council's population, so small providers
// give small numbers. A few providers are outliers, much worse or better
// than the rest; figures improve slowly over time. Some cells are
// suppressed ([c]) or missing ([x], NA or blank), and some carry a note.
// Every value agrees with its numerator and denominator to the precision
// written and lies within the metric's range, so every file is accepted by
// ingest as it stands.
//
// Everything is drawn from PCG streams seeded by Options.Seed and keyed by
// what is being drawn (council, provider, metric, period), so the same
// options write byte-identical files, and a council's figures do not
// depend on which other councils are written. Rows are written as they are
// drawn; a million rows need no more memory than a thousand.
package sample
