// Forget every recorded change (clear() empties the whole store).
MATCH (c:PartnergraphChange)
DELETE c
