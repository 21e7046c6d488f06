MATCH (m:PartnergraphImport {token: $token})
DELETE m
