// Delete the elements a restore replaced, with their connections, in small transactions.
MATCH (n:PartnergraphRetired {pg_retired: $token})
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS
