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
//     facts once, asks the world in force for the network's decision and
//     routes by the facts' service; it keeps the request's journal record
//     (emulator/record.go) and fires the scenario's faults (fire.go).
//  2. reqinfo/classify.go: New parses the host (awsname) and classifies the
//     request: service, step, ECR action, registry route.
//  3. emulator/netmodel/decide.go: Decide says how the name resolves from
//     the client's VPC, whether it is reachable, by which route, with which
//     endpoint policy and condition keys (plain.go: the plain world, every
//     endpoint present, when there is no scenario).
//  4. registry/v2.go: serveV2 authenticates the Basic token ECR issued,
//     picks the registry the host names, checks the region, authorizes and
//     dispatches; serveApp lets distribution answer the manifest GET.
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
// A request the network does not deliver stops at 3: emulator/outcomes.go
// holds it for the scenario's hold and drops it, or closes it.
// emulator/timeouts.go wraps all of it in the connection and body
// deadlines.
//
// # Under AWS names
//
// edges.go starts the other ways in: the TLS server (the TLS listener and
// the CONNECT proxy's tunnels, which emulator/proxy hands it in process),
// the DNS server (emulator/dnsserver) and the blackhole
// (emulator/blackhole). names.go is what all of them ask before any
// request: reachName, the network's answer for a bare name, and Hosts.
// A request that arrives over TLS then takes the path above from 1.
package emulator
