// One marker per running (or dead, not yet swept) import.
CREATE CONSTRAINT import_token IF NOT EXISTS FOR (m:PartnergraphImport) REQUIRE m.token IS UNIQUE
