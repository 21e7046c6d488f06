// Create a batch of connections between a staged element and an existing one (still invisible:
// readers require both ends to be Element). The existing end is checked by id as well, since
// an internal id may be reused after a delete; a missing end makes the count fall short.
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a AND a.id = row.source
MATCH (b) WHERE elementId(b) = row.b AND b.id = row.target
CREATE (a)-[r:$(row.type)]->(b)
SET r += row.props
RETURN count(r) AS created
