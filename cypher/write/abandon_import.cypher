// Mark an import as being removed, under its marker's write lock, so that its final transaction
// refuses to publish; one already published ('retiring') keeps its state. Returns the state.
MATCH (m:PartnergraphImport {token: $token})
SET m.state = CASE m.state WHEN 'retiring' THEN 'retiring' ELSE 'removing' END
RETURN m.state AS state
