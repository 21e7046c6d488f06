// Delete one connection, found by its two ends and its type.
MATCH (:Element {id: $source})-[r:$($type)]->(:Element {id: $target})
DELETE r
