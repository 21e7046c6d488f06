// The elements a restore replaced are deleted by the restore's token, in small transactions.
CREATE INDEX retired_import IF NOT EXISTS FOR (r:PartnergraphRetired) ON (r.pg_retired)
