// What lookups match of every element: its id, kind, name and aliases.
MATCH (n:Element)
RETURN n.id AS id, [label IN labels(n) WHERE label <> 'Element'][0] AS label, n.name AS name,
       n.aliases AS aliases
