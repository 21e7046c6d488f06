MATCH (t:PartnergraphToken {account: $account})
RETURN properties(t) AS token
ORDER BY t.created, t.label
