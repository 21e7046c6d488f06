// Forget every account and API token (clear() empties the whole store).
MATCH (n)
WHERE n:PartnergraphAccount OR n:PartnergraphToken
DELETE n
