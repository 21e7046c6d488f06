// One account per name; sign-in looks accounts up by name.
CREATE CONSTRAINT account_name IF NOT EXISTS FOR (a:PartnergraphAccount) REQUIRE a.name IS UNIQUE
