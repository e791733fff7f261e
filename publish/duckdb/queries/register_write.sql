-- Writes the provider register, given as JSON lines (registers.WriteJSONLines),
-- to Parquet, sorted by provider_id. The columns and their types are fixed
-- here rather than inferred, so a register whose imports leave a column
-- empty everywhere still has it, with its type.
COPY (
    SELECT *
    FROM read_json($src, format = 'newline_delimited', columns = {
        provider_id: 'VARCHAR',
        name: 'VARCHAR',
        organisation: 'VARCHAR',
        sector: 'VARCHAR',
        sector_given: 'VARCHAR',
        sector_source: 'VARCHAR',
        sector_as_at: 'DATE',
        rating: 'VARCHAR',
        rating_date: 'DATE',
        identifiers: 'STRUCT(scheme VARCHAR, id VARCHAR)[]',
        aliases: 'VARCHAR[]',
        councils: 'VARCHAR[]',
        locations: 'STRUCT(id VARCHAR, name VARCHAR, postcode VARCHAR, council_code VARCHAR, council_given VARCHAR, status VARCHAR, service_type VARCHAR, aliases VARCHAR[], source VARCHAR, as_at DATE)[]',
        ratings: 'STRUCT(subject VARCHAR, regulator VARCHAR, rating VARCHAR, given VARCHAR, date DATE, source VARCHAR)[]',
        facts: 'STRUCT(field VARCHAR, subject VARCHAR, value VARCHAR, given VARCHAR, source VARCHAR, as_at DATE)[]'
    })
    ORDER BY provider_id
) TO $path (FORMAT parquet, COMPRESSION zstd)
