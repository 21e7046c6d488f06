// The connections with these keys ([from, to, type]), for an import's preview.
UNWIND $keys AS key
MATCH (a:Element {id: key[0]})-[r]->(b:Element {id: key[1]})
WHERE type(r) = key[2]
RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props
