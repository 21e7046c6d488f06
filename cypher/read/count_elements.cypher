MATCH (n:Element)
UNWIND [label IN labels(n) WHERE label <> 'Element'] AS label
RETURN label, count(*) AS count
