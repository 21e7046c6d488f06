// The marker of an import being staged.
CREATE (:PartnergraphImport {token: $token, state: 'staging', started: $started})
