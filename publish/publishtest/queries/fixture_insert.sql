-- Test fixture: one warehouse row, in fixture_create.sql's column order.
INSERT INTO fixture VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
