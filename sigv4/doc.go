// Package sigv4 is AWS Signature Version 4 as ecrlink needs it, once, for
// both directions: signing (presigned starport layer URLs, and header
// signing for tests) and verifying (header-signed ECR API requests,
// query-presigned S3 GETs).
//
// It owns the canonical request (RFC 3986 query escaping, sorted keys and
// values, the Host header as signed, folded header whitespace), the
// string to sign, the derived signing key, the Authorization header's
// grammar and the constant-time comparison. It does not own policy: which
// scope, clock skew, expiry or credentials a service accepts, and the
// error texts it answers with, stay with registry and s3shim, which map
// this package's errors onto their wire formats.
//
// It is standard library only and must not import any other ecrlink
// package, so that registry and s3shim can both use it.
//
// Verification does not use aws-sdk-go-v2's signer: that signer decides
// for itself which headers to sign, so it cannot recompute a signature
// over the SignedHeaders list a client chose. The tests instead sign with
// aws-sdk-go-v2 and check that this package verifies, and that both
// presign alike.
package sigv4
