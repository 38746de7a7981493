"""The store's queries, one module per group of the face (`calfstore.faces`), written once for DuckDB and
PostgreSQL; `common` holds what every group shares (cursors, transactions, the owner check, retries).
`calfstore.sql.SqlStore` puts the groups together; only the backends build on it."""
