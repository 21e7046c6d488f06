MATCH (c:PartnergraphChange {seq: $seq})
RETURN properties(c) AS change
