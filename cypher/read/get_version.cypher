OPTIONAL MATCH (m:PartnergraphMeta {key: 'graph'})
RETURN coalesce(m.version, 0) AS version
