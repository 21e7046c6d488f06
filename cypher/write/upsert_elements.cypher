// Merge a batch of elements by id; rows whose content would not change are skipped, so a
// re-import writes nothing. Returns how many were created and how many changed in all.
UNWIND $rows AS row
OPTIONAL MATCH (old:Element {id: row.id})
WITH row, old, old IS NULL AS created
WHERE created OR old.name <> row.name
   OR any(key IN keys(row.props) WHERE old[key] IS NULL OR old[key] <> row.props[key])
MERGE (n:Element {id: row.id})
SET n:$(row.label), n.name = row.name, n += row.props
RETURN sum(CASE WHEN created THEN 1 ELSE 0 END) AS created, count(*) AS changed
