// Forget every sign-in counter (clear() empties the whole store, the login limit's counts included).
MATCH (k:PartnergraphSignIn)
DELETE k
