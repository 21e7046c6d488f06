// Make an element exactly this: $props holds every property (id and name included), so any
// property that is not in it is removed.
MERGE (n:Element {id: $id})
SET n = $props, n:$($label)
