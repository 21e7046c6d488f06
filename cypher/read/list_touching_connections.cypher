// The connections from or to any of these elements, of these types (all types when $types is null).
UNWIND $ids AS id
MATCH (:Element {id: id})-[r]-(:Element)
WHERE $types IS NULL OR type(r) IN $types
RETURN startNode(r).id AS source, endNode(r).id AS target, type(r) AS type, properties(r) AS props
