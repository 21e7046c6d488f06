// The names of the accounts whose name equals $name case-insensitively.
MATCH (a:PartnergraphAccount)
WHERE toLower(a.name) = toLower($name)
RETURN a.name AS name
ORDER BY name
