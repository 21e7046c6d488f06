MATCH (n:Element)
RETURN n.id AS id, [label IN labels(n) WHERE label <> 'Element'][0] AS label, n.name AS name,
       properties(n) AS props
ORDER BY id
