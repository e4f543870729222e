package awsname

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// StarportBucket is the layer bucket of region (ECR-FACTS §1.5).
func StarportBucket(region string) string { return "prod-" + region + "-starport-layer-bucket" }

// StarportObjectARN is the ARN gateway endpoint policies see for a layer
// download: arn:PARTITION:s3:::BUCKET/KEY.
func StarportObjectARN(region, key string) string {
	return "arn:" + PartitionOf(region).ID + ":s3:::" + StarportBucket(region) + "/" + key
}

// LayerKey is the key of a layer in the starport bucket, in ECR's shape
// `<4 hex>-<registryId>-<uuid>/<uuid>` (ECR-FACTS §5). The two UUIDs are the
// 32 bytes of the sha256 digest, so the key maps back to the layer with no
// state; the 4-hex prefix spreads keys as ECR's does.
func LayerKey(registryID, dgst string) (string, error) {
	hexDigest, ok := strings.CutPrefix(dgst, "sha256:")
	if !ok || len(hexDigest) != 64 {
		return "", fmt.Errorf("awsname: %q is not a sha256 digest", dgst)
	}
	if _, err := hex.DecodeString(hexDigest); err != nil {
		return "", fmt.Errorf("awsname: %q is not a sha256 digest", dgst)
	}
	h := strings.ToLower(hexDigest)
	sum := sha256.Sum256([]byte(registryID + "/" + h))
	return hex.EncodeToString(sum[:2]) + "-" + registryID + "-" + uuid(h[:32]) + "/" + uuid(h[32:]), nil
}

func uuid(h string) string {
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var layerKeyPattern = regexp.MustCompile(`^([0-9a-f]{4})-([0-9]{12})-([0-9a-f-]{36})/([0-9a-f-]{36})$`)

// ParseLayerKey returns the registry id and digest a LayerKey names; ok is
// false for any key LayerKey does not produce.
func ParseLayerKey(key string) (registryID, dgst string, ok bool) {
	m := layerKeyPattern.FindStringSubmatch(key)
	if m == nil {
		return "", "", false
	}
	d := "sha256:" + strings.ReplaceAll(m[3]+m[4], "-", "")
	if want, err := LayerKey(m[2], d); err != nil || want != key {
		return "", "", false
	}
	return m[2], d, true
}
