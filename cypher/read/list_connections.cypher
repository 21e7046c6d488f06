MATCH (a:Element)-[r]->(b:Element)
RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props
ORDER BY source, target, type
