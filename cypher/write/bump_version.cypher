// Every committed change gives the graph a new version, so caches know to rebuild.
MERGE (m:PartnergraphMeta {key: 'graph'})
SET m.version = coalesce(m.version, 0) + 1
RETURN m.version AS version
