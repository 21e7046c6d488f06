// Take the import marker's write lock, then, unless a sweep abandoned the import meanwhile, mark
// it published ($state: 'published' for a merge, deleted in the same transaction; 'retiring' for
// a restore, whose old elements are deleted afterwards).
MATCH (m:PartnergraphImport {token: $token})
SET m.publishing = true
WITH m WHERE m.state = 'staging'
SET m.state = $state
RETURN count(*) AS found
