// Package s3shim is the starport layer bucket: in real ECR a blob GET is
// answered with a 307 to a presigned URL on
// prod-REGION-starport-layer-bucket.s3.REGION.amazonaws.com, and the client
// fetches the bytes from S3 (ECR-FACTS §5). s3shim mints those URLs, verifies
// them when they are followed, asks policyeval whether the S3 gateway
// endpoint policy lets ECR's presigner principal s3:GetObject the object, and
// streams the bytes from a Store (MinIO through minio-go, or the embedded
// registry storage) with Range and HEAD support and S3's XML errors.
//
// It knows nothing of VPCs: the emulator decides the caller (and the
// gateway endpoint policy, if the request went through one) and passes it as
// a policyeval.Caller in the request context. s3shim may import policyeval
// and minio-go; never emulator, cmd or registry.
package s3shim
