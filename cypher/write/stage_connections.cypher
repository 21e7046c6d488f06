// Create a batch of connections with at least one staged end: readers require both ends to be
// Element, so none is seen before publishing. Ends are found by internal id and checked by id
// (an internal id may be reused after a delete); a missing end makes the count fall short.
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a AND a.id = row.source
MATCH (b) WHERE elementId(b) = row.b AND b.id = row.target
CREATE (a)-[r:$(row.type)]->(b)
SET r += row.props
RETURN count(r) AS created
