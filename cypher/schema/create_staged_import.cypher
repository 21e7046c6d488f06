// Staged elements of an import are found by its token: to publish them, or to remove them.
CREATE INDEX staged_import IF NOT EXISTS FOR (s:PartnergraphStaged) ON (s.pg_import)
