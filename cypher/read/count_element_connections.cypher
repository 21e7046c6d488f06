MATCH (n:Element {id: $id})
RETURN COUNT { (n)--() } AS connections
