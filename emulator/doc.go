// Package emulator is ecrlink's world: it composes the ECR service
// (registry), the starport layer bucket (s3shim) and the policy engine
// (policyeval) behind one listener, decides once per request how the
// request reached it, and hands that decision down. Nothing below calls
// back into emulator.
//
// # Following a pull
//
// A pull is a manifest GET, then a blob GET answered 307, then the GET of
// the presigned starport URL. Control passes through these files, in the
// order the request meets them (types and tables consulted on the way,
// such as reqinfo/info.go and policyeval, are not counted):
//
//  1. emulator/server.go: the listener; handler computes the request's
//     facts once, sets the caller the network decided (without a scenario,
//     the default world: every endpoint present with AWS's default policy)
//     and routes by the facts' service.
//  2. reqinfo/classify.go: New parses the host (awsname) and classifies the
//     request: service, step, ECR action, registry route.
//  3. registry/v2.go: serveV2 authenticates, checks the region, authorizes
//     and dispatches; serveApp lets distribution answer the manifest GET.
//  4. registry/token.go: authenticate verifies the Basic token ECR issued.
//  5. registry/authz.go: authorize evaluates identity, repository, registry
//     and endpoint policies and reports the decision to the observer.
//  6. registry/blobs.go: serveBlob answers the blob GET with a redirect to
//     layerURL, placed by the registry's LayerLocator, the s3shim Presigner.
//  7. s3shim/presign.go: LayerURL mints the presigned URL for the client's
//     host; verify checks it when it comes back.
//  8. s3shim/server.go: the starport GET: verify, authorize against the
//     gateway endpoint's policy, then the bytes from the Store (MinIO, or
//     registry.Blobs in registry/blobs.go).
//
// emulator/timeouts.go wraps all of it in the connection and body
// deadlines.
package emulator
