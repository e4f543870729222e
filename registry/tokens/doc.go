// Package tokens mints and verifies the tokens a registry issues: ECR
// authorization tokens (the registry password of GetAuthorizationToken)
// and the nextToken of paginated operations, both HMAC-signed under a key
// kept in the registry's metadata store, so that they outlive a restart
// and hold across processes sharing the store.
package tokens
