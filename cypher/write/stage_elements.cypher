// Create a batch of new elements, invisible to readers (no Element label) until published.
UNWIND $rows AS row
CREATE (s:PartnergraphStaged)
SET s = row
RETURN row.id AS id, elementId(s) AS ref
