// Recorded changes are found by number (history pages, revert).
CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:PartnergraphChange) REQUIRE c.seq IS UNIQUE
