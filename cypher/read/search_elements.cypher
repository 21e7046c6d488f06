// Same ranking as the embedded store: exact name, then names starting with the text, then shorter.
MATCH (n:Element)
WITH n, toLower(n.name) AS lowered
WHERE lowered CONTAINS $text OR toLower(n.id) CONTAINS $text
RETURN n.id AS id, [label IN labels(n) WHERE label <> 'Element'][0] AS label, n.name AS name,
       properties(n) AS props
ORDER BY lowered = $text DESC, lowered STARTS WITH $text DESC, size(n.name), n.name, n.id
LIMIT $limit
