// Counters whose last attempt left the window are deleted by it.
CREATE INDEX sign_in_last IF NOT EXISTS FOR (k:PartnergraphSignIn) ON (k.last)
