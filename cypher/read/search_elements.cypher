// Same ranking as the embedded store: names first (exact, starting with the text, containing it
// or in the id), then aliases, then the organisation type ($types: the text and the vocabulary
// type it spells), offers and what is looked for; then shorter names.
MATCH (n:Element)
WITH n, toLower(n.name) AS lowered
WITH n, CASE
       WHEN lowered = $text THEN 0
       WHEN lowered STARTS WITH $text THEN 1
       WHEN lowered CONTAINS $text OR toLower(n.id) CONTAINS $text THEN 2
       WHEN any(alias IN coalesce(n.aliases, []) WHERE toLower(alias) CONTAINS $text) THEN 3
       WHEN toLower(coalesce(n.type, '')) IN $types
         OR any(offer IN coalesce(n.offers, []) + coalesce(n.looks_for, []) WHERE toLower(offer) CONTAINS $text) THEN 4
     END AS rank
WHERE rank IS NOT NULL
RETURN n.id AS id, [label IN labels(n) WHERE label <> 'Element'][0] AS label, n.name AS name,
       properties(n) AS props
ORDER BY rank, size(n.name), n.name, n.id
LIMIT $limit
