// Recorded changes, newest first: all ($id null) or those about one element, before a number.
MATCH (c:PartnergraphChange)
WHERE ($id IS NULL OR $id IN c.touches) AND c.seq < $before
RETURN properties(c) AS change
ORDER BY c.seq DESC
LIMIT $limit
