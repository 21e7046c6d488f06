// Delete an account's API tokens, or only those with a label; returns how many.
MATCH (t:PartnergraphToken {account: $account})
WHERE $label IS NULL OR t.label = $label
DELETE t
RETURN count(t) AS deleted
