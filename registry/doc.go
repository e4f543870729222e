// Package registry is the ECR service itself: private registries, each an
// account's in a region, made of an embedded CNCF distribution v3 app for
// the Docker Registry API and ecrlink's repository metadata, on storage of
// its own; and, shared by them all, ECR authorization tokens, the
// identities and the ECR JSON 1.1 API. A request goes to the registry its
// host names (ACCOUNT.dkr.ecr.REGION, or on the API the registryId or the
// caller's account in the host's region); direct mode names the home
// registry, Config.Account's in Config.Region.
//
// ECR semantics are laid over distribution at the HTTP edge: a repository
// must exist before anything is pushed to it, tags may be immutable, errors
// carry ECR's codes and texts, and every registry request is mapped to the
// IAM action ECR checks for it (ECR-FACTS §4).
//
// registry knows nothing about VPCs. The emulator decides once how a request
// reached it and passes that down as a reqinfo.Info in the request context:
// the parsed host, the request's classification, and the caller facts the
// network decided. A request without them is refused, and one without a
// caller is denied. registry may import policyeval, awsname, reqinfo,
// distribution and minio-go; it must never import emulator, s3shim or cmd.
package registry
