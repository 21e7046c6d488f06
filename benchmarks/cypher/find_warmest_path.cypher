// The closest to a warmest path in plain Cypher (no GDS or APOC on the local server): of all the
// hop-shortest paths, the one with the lowest total cost, a hop costing 6 minus its strength
// (strength 1-5; 3 when it has none, as memberships and attendances).
MATCH (a:Element {id: $source}), (b:Element {id: $target})
MATCH p = allShortestPaths((a)-[:KNOWS|MEMBER_OF|HOLDS|ATTENDS*]-(b))
WITH p, reduce(cost = 0.0, r IN relationships(p) | cost + 6 - coalesce(toFloat(r.strength), 3.0)) AS cost
ORDER BY cost
LIMIT 1
RETURN [n IN nodes(p) | n.id] AS ids, cost
