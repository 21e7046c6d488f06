MATCH (a:Element {id: $source})-[r:$($type)]->(b:Element {id: $target})
RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props
