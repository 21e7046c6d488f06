// Which rows of a batch would create or change a connection between two existing elements (the
// test of the write/upsert_* statements), so that an import's final transaction writes only
// those; $rows carry their index `i`. Rows whose ends do not exist are left out, as there.
UNWIND $rows AS row
MATCH (a:Element {id: row.source})
MATCH (b:Element {id: row.target})
OPTIONAL MATCH (a)-[old]->(b) WHERE type(old) = row.type
WITH row, old
WHERE old IS NULL OR any(key IN keys(row.props) WHERE old[key] IS NULL OR old[key] <> row.props[key])
RETURN row.i AS i
