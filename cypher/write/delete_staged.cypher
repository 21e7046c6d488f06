// Delete an abandoned import's staged elements, and so their connections, in small transactions.
MATCH (s:PartnergraphStaged {pg_import: $token})
CALL (s) { DETACH DELETE s } IN TRANSACTIONS OF 2000 ROWS
