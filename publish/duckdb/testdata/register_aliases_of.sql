-- The aliases the loaded provider register gives provider or location $1.
SELECT unnest(register_aliases) FROM register_names WHERE provider_id = $1 ORDER BY 1
