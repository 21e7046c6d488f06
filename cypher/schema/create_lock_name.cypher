// One lock node per name (MERGE of a lock is then safe under concurrency); see write/lock_accounts.
CREATE CONSTRAINT lock_name IF NOT EXISTS FOR (l:PartnergraphLock) REQUIRE l.name IS UNIQUE
