// The elements with these ids (those that exist), for a neighbourhood.
UNWIND $ids AS id
MATCH (n:Element {id: id})
RETURN n.id AS id, [label IN labels(n) WHERE label <> 'Element'][0] AS label, n.name AS name,
       properties(n) AS props
