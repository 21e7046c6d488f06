// The attempts of each key still in the window (after $since).
UNWIND $keys AS key
MATCH (k:PartnergraphSignIn {key: key})
RETURN k.key AS key, [t IN coalesce(k.times, []) WHERE t > $since] AS times
