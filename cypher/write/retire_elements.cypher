// A restore hides every current element at once (no Element label, so no reader sees it or its
// connections); write/delete_retired deletes them afterwards in small transactions.
MATCH (n:Element)
REMOVE n:$(labels(n))
SET n:PartnergraphRetired, n.pg_retired = $token
