CREATE INDEX element_name IF NOT EXISTS FOR (n:Element) ON (n.name)
