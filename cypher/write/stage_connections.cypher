// Create a batch of connections between staged elements of this import: readers require both
// ends to be Element, so none is seen before publishing. Ends are found by internal id.
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:$(row.type)]->(b)
SET r += row.props
RETURN count(r) AS created
