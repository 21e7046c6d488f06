// Take the write lock of each element an edit is about before reading it, so that nobody (an
// import included) can change it between the comparison with what the editor saw and the write.
UNWIND $ids AS id
MATCH (n:Element {id: id})
SET n._lock = true
REMOVE n._lock
RETURN count(n) AS locked
