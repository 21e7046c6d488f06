// Remove every element with its connections inside the caller's transaction (a restore
// replaces the whole graph at once); delete_everything does the same in batches.
MATCH (n:Element)
DETACH DELETE n
