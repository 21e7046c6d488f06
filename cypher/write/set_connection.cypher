// Make a connection exactly this, between two existing elements; returns 0 when an end is missing.
MATCH (a:Element {id: $source})
MATCH (b:Element {id: $target})
MERGE (a)-[r:$($type)]->(b)
SET r = $props
RETURN count(r) AS written
