package ecrlinktest

import (
	"testing"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
)

// MinIOVersion is the MinIO server the tests run (see ecrtest.MinIOVersion).
const MinIOVersion = ecrtest.MinIOVersion

// MinIO is a MinIO server started for one test, with the emulator's view
// of it.
type MinIO struct {
	*ecrtest.MinIO
}

// S3Config returns a registry configuration for bucket on this server.
func (m *MinIO) S3Config(bucket string) *emulator.S3Config {
	return &emulator.S3Config{Endpoint: m.Endpoint, Bucket: bucket, AccessKey: m.AccessKey, SecretKey: m.SecretKey}
}

// StartMinIO starts a MinIO server as ecrtest.StartMinIO does: on a random
// 127.0.0.1 port, stopped when the test ends, skipped without a binary
// except in CI (CI=true), where it fails.
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	return &MinIO{ecrtest.StartMinIO(t)}
}
