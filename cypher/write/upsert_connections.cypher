// Merge a batch of connections of one type ($type) between existing elements; unchanged rows
// are skipped. Symmetric types arrive with their ends in canonical order.
UNWIND $rows AS row
MATCH (a:Element {id: row.source})
MATCH (b:Element {id: row.target})
OPTIONAL MATCH (a)-[old:$($type)]->(b)
WITH a, b, row, old, old IS NULL AS created
WHERE created OR any(key IN keys(row.props) WHERE old[key] IS NULL OR old[key] <> row.props[key])
MERGE (a)-[r:$($type)]->(b)
SET r += row.props
RETURN sum(CASE WHEN created THEN 1 ELSE 0 END) AS created, count(*) AS changed
