MATCH (a:PartnergraphAccount {name: $name})
RETURN properties(a) AS account
