// The ids of the elements of these kinds (labels).
MATCH (n:Element)
WHERE any(label IN labels(n) WHERE label IN $labels)
RETURN n.id AS id
