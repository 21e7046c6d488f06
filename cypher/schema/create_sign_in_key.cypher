// One counter of sign-in attempts per key ("name:ana", "address:10.0.0.1"); the login limit.
CREATE CONSTRAINT sign_in_key IF NOT EXISTS FOR (k:PartnergraphSignIn) REQUIRE k.key IS UNIQUE
