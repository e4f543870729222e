// Package registry is the ECR service itself: one private registry (one
// account, one region) made of an embedded CNCF distribution v3 app for the
// Docker Registry API, ecrlink's repository metadata, ECR authorization
// tokens, and the ECR JSON 1.1 API.
//
// ECR semantics are laid over distribution at the HTTP edge: a repository
// must exist before anything is pushed to it, tags may be immutable, errors
// carry ECR's codes and texts, and every registry request is mapped to the
// IAM action ECR checks for it (ECR-FACTS §4).
//
// registry knows nothing about VPCs or hostnames. The emulator decides how a
// request reached it and passes that down as an [Origin] in the request
// context. registry may import policyeval, distribution and minio-go; it must
// never import emulator or cmd.
package registry
