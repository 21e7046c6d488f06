// The internal ids of existing elements, so that staged connections reach them by id seek.
UNWIND $ids AS wanted
MATCH (n:Element {id: wanted})
RETURN n.id AS id, elementId(n) AS ref
