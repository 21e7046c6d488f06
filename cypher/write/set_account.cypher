// Create or replace an account by name.
MERGE (a:PartnergraphAccount {name: $name})
SET a.role = $role, a.password_hash = $password_hash, a.created = $created, a.disabled = $disabled
