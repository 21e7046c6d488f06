// The hop-shortest path a Neo4j user would ask for: any chain of people, organisations and
// events over the relationship types introduction paths use. It ignores periods and warmth.
MATCH (a:Element {id: $source}), (b:Element {id: $target})
MATCH p = shortestPath((a)-[:KNOWS|MEMBER_OF|HOLDS|ATTENDS*]-(b))
RETURN [n IN nodes(p) | n.id] AS ids
