// Keep an API token's digest for an existing account; returns 0 when there is no such account.
MATCH (a:PartnergraphAccount {name: $account})
CREATE (t:PartnergraphToken {digest: $digest, account: $account, label: $label, created: $created})
RETURN count(t) AS created
