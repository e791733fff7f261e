-- Each column of the Parquet file $1 as one line: name, type,
-- repetition, converted type and number of children.
SELECT name || ' ' || coalesce(type, '') || ' ' || coalesce(repetition_type, '') || ' ' ||
       coalesce(converted_type, '') || ' ' || coalesce(num_children, 0)::VARCHAR
FROM parquet_schema($1)
