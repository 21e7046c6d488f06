// Forget the counters whose last attempt left the window (at most $limit per call); checked again
// once the counter is locked, in case an attempt was noted meanwhile.
MATCH (k:PartnergraphSignIn)
WHERE k.last <= $since
WITH k LIMIT $limit
SET k._lock = true
REMOVE k._lock
WITH k
WHERE k.last <= $since
DELETE k
