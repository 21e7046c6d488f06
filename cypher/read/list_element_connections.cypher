// Every connection from or to one element, whichever way it points.
MATCH (:Element {id: $id})-[r]-(:Element)
RETURN startNode(r).id AS source, endNode(r).id AS target, type(r) AS type, properties(r) AS props
