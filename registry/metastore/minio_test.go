package metastore

import (
	"testing"

	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/minio/minio-go/v7"
)

// startMinIO starts a MinIO server for one test (ecrtest.StartMinIO: skipped
// without a binary, except in CI) and returns a client of it.
func startMinIO(t *testing.T) *minio.Client {
	t.Helper()
	return ecrtest.StartMinIO(t).Client(t)
}
