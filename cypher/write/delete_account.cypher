// Delete an account and its API tokens; returns whether the account existed.
OPTIONAL MATCH (a:PartnergraphAccount {name: $name})
OPTIONAL MATCH (t:PartnergraphToken {account: $name})
DELETE t, a
RETURN count(DISTINCT a) AS deleted
