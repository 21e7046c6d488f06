// The markers of imports that were started and not finished (running, or dead and to sweep).
MATCH (m:PartnergraphImport)
RETURN m.token AS token, m.state AS state
