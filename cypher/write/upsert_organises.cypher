// Merge a batch of ORGANISES connections between existing elements; unchanged rows are skipped.
// The type is written out (not dynamic) so that the planner expands between the two ends
// instead of scanning every relationship.
UNWIND $rows AS row
MATCH (a:Element {id: row.source})
MATCH (b:Element {id: row.target})
OPTIONAL MATCH (a)-[old:ORGANISES]->(b)
WITH a, b, row, old, old IS NULL AS created
WHERE created OR any(key IN keys(row.props) WHERE old[key] IS NULL OR old[key] <> row.props[key])
MERGE (a)-[r:ORGANISES]->(b)
SET r += row.props
RETURN sum(CASE WHEN created THEN 1 ELSE 0 END) AS created, count(*) AS changed
