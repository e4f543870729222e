package s3shim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// BucketName is the starport layer bucket of region (ECR-FACTS §1.5).
func BucketName(region string) string { return "prod-" + region + "-starport-layer-bucket" }

// ObjectKey is the key of a layer in the starport bucket, in ECR's shape
// `<4 hex>-<registryId>-<uuid>/<uuid>` (ECR-FACTS §5). The two UUIDs are the
// 32 bytes of the sha256 digest, so the key maps back to the layer with no
// state; the 4-hex prefix spreads keys as ECR's does.
func ObjectKey(registryID, dgst string) (string, error) {
	hexDigest, ok := strings.CutPrefix(dgst, "sha256:")
	if !ok || len(hexDigest) != 64 {
		return "", fmt.Errorf("s3shim: %q is not a sha256 digest", dgst)
	}
	if _, err := hex.DecodeString(hexDigest); err != nil {
		return "", fmt.Errorf("s3shim: %q is not a sha256 digest", dgst)
	}
	h := strings.ToLower(hexDigest)
	sum := sha256.Sum256([]byte(registryID + "/" + h))
	return hex.EncodeToString(sum[:2]) + "-" + registryID + "-" + uuid(h[:32]) + "/" + uuid(h[32:]), nil
}

func uuid(h string) string {
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var keyPattern = regexp.MustCompile(`^([0-9a-f]{4})-([0-9]{12})-([0-9a-f-]{36})/([0-9a-f-]{36})$`)

// parseKey returns the registry id and digest an ObjectKey names.
func parseKey(key string) (registryID, dgst string, ok bool) {
	m := keyPattern.FindStringSubmatch(key)
	if m == nil {
		return "", "", false
	}
	h := strings.ReplaceAll(m[3]+m[4], "-", "")
	d := "sha256:" + h
	if want, err := ObjectKey(m[2], d); err != nil || want != key {
		return "", "", false
	}
	return m[2], d, true
}
