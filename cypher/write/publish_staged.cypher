// Make an import's staged elements visible: the labels Element and their kind, no staging marks.
MATCH (s:PartnergraphStaged {pg_import: $token})
SET s:Element:$(s.pg_label)
REMOVE s:PartnergraphStaged, s.pg_import, s.pg_label
RETURN count(s) AS published
