// The tokens of imports whose process is connected: each keeps a transaction open (its beacon)
// with the token in its metadata; Neo4j ends it when the process dies or the server restarts.
SHOW TRANSACTIONS YIELD metaData
WHERE metaData.partnergraph_import IS NOT NULL
RETURN metaData.partnergraph_import AS token
