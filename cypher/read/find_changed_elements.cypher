// Which rows of a batch would change an existing element (the test of write/upsert_elements),
// so that an import's final transaction writes only those; $rows carry their index `i`.
UNWIND $rows AS row
MATCH (old:Element {id: row.id})
WITH row, old
WHERE old.name <> row.name
   OR any(key IN keys(row.props) WHERE old[key] IS NULL OR old[key] <> row.props[key])
RETURN row.i AS i
