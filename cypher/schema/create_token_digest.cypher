// API tokens are looked up by the SHA-256 digest of the secret on every API request.
CREATE CONSTRAINT token_digest IF NOT EXISTS FOR (t:PartnergraphToken) REQUIRE t.digest IS UNIQUE
