// How many enabled admins there are (the last one may not be demoted, disabled or removed).
MATCH (a:PartnergraphAccount {role: 'admin'})
WHERE NOT coalesce(a.disabled, false)
RETURN count(a) AS admins
