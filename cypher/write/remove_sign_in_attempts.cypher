// Forget the attempt noted at $at under each key (every attempt when $at is null).
UNWIND $keys AS key
MATCH (k:PartnergraphSignIn {key: key})
SET k.times = CASE WHEN $at IS NULL THEN [] ELSE [t IN coalesce(k.times, []) WHERE t <> $at] END
