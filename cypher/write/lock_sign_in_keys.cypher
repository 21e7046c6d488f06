// Take the write lock of each sign-in key's counter (made on first use) before reading it, so that
// two workers cannot both see room for one more attempt. $keys come sorted (no deadlock).
UNWIND $keys AS key
MERGE (k:PartnergraphSignIn {key: key})
ON CREATE SET k.times = [], k.last = $now
SET k._lock = true
REMOVE k._lock
RETURN count(k) AS locked
