// Note one attempt at $now under each key (locked by lock_sign_in_keys), forgetting old ones.
UNWIND $keys AS key
MATCH (k:PartnergraphSignIn {key: key})
SET k.times = [t IN coalesce(k.times, []) WHERE t > $since] + [$now], k.last = $now
