// The id Neo4j gave this database when it was made: a new database never has an old one's.
CALL db.info() YIELD id
RETURN id
