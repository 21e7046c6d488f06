MATCH (a:PartnergraphAccount)
RETURN properties(a) AS account
ORDER BY a.name
