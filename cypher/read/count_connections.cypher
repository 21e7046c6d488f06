MATCH (:Element)-[r]->(:Element)
RETURN type(r) AS type, count(*) AS count
