// Remove every element with its connections, in batches; the version marker stays so that
// versions keep moving forward.
MATCH (n:Element)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
