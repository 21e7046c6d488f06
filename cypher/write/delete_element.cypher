// Delete an element that has no connections left (the store checks that first).
MATCH (n:Element {id: $id})
DELETE n
