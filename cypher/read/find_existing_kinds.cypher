UNWIND $ids AS wanted
MATCH (n:Element {id: wanted})
RETURN n.id AS id, [label IN labels(n) WHERE label <> 'Element'][0] AS label
