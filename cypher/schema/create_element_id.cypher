// Ids are unique across kinds: every node also carries the label Element.
CREATE CONSTRAINT element_id IF NOT EXISTS FOR (n:Element) REQUIRE n.id IS UNIQUE
