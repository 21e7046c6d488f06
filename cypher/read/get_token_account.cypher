MATCH (t:PartnergraphToken {digest: $digest})
MATCH (a:PartnergraphAccount {name: t.account})
RETURN properties(a) AS account
