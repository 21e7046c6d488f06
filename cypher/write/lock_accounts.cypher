// Take the accounts' write lock before reading any account, so that account writes (in any
// process) run one after the other: the last-admin and unique-name rules read what is committed.
MERGE (l:PartnergraphLock {name: 'accounts'})
SET l._lock = true
REMOVE l._lock
RETURN l.name AS locked
