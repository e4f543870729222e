package emulator_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/google/go-containerregistry/pkg/authn"
)

// TestEphemeralPatchAllocatesLinearly pushes one 32 MiB layer as a single
// PATCH, as docker does, to an in-memory ecrlink, and checks what the whole
// process allocated meanwhile. distribution's inmemory driver grew its
// buffer to the exact size on every write: copying quadratic in the layer
// size (gigabytes here, and minutes for a large layer). Not parallel: it
// reads process-wide allocation counters.
func TestEphemeralPatchAllocatesLinearly(t *testing.T) {
	const size = 32 << 20
	inst := ecrlinktest.Start(t, emulator.Config{})
	inst.CreateRepository("app")
	up := newRawUpload(t, inst, "app")

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	digest := up.patch(t, size)
	runtime.ReadMemStats(&after)
	up.commit(t, digest)

	got := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d MiB PATCH allocated %d MiB", size>>20, got>>20)
	if got > 4*size {
		t.Fatalf("a %d MiB PATCH allocated %d MiB; want under %d MiB (linear in the layer)", size>>20, got>>20, 4*size>>20)
	}
}

// rawUpload is a blob upload driven over plain HTTP.
type rawUpload struct {
	client   *http.Client
	base     string
	auth     string
	location string
}

// newRawUpload starts an upload to repo.
func newRawUpload(t testing.TB, inst *ecrlinktest.Instance, repo string) *rawUpload {
	t.Helper()
	u := &rawUpload{
		client: ecrtest.Client(t),
		base:   inst.URL(),
		auth:   basic("AWS", inst.Auth().(*authn.Basic).Password),
	}
	resp := u.do(t, http.MethodPost, inst.URL()+"/v2/"+repo+"/blobs/uploads/", nil, 0)
	u.location = resp.Header.Get("Location")
	if resp.StatusCode != http.StatusAccepted || u.location == "" {
		t.Fatalf("start upload: %d", resp.StatusCode)
	}
	if !strings.HasPrefix(u.location, "http") {
		u.location = inst.URL() + u.location
	}
	return u
}

// patch sends size pattern bytes in one PATCH and returns their digest.
func (u *rawUpload) patch(t testing.TB, size int64) string {
	t.Helper()
	return u.patchFrom(t, io.LimitReader(&patternReader{}, size), size)
}

// patchFrom sends size bytes of r in one PATCH and returns their digest.
func (u *rawUpload) patchFrom(t testing.TB, r io.Reader, size int64) string {
	t.Helper()
	h := sha256.New()
	body := io.TeeReader(r, h)
	resp := u.do(t, http.MethodPatch, u.location, body, size)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("PATCH: %d", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		u.location = loc
		if !strings.HasPrefix(loc, "http") {
			u.location = u.base + loc
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// commit completes the upload as digest.
func (u *rawUpload) commit(t testing.TB, digest string) {
	t.Helper()
	sep := "?"
	if strings.Contains(u.location, "?") {
		sep = "&"
	}
	if resp := u.do(t, http.MethodPut, u.location+sep+"digest="+digest, nil, 0); resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %d", resp.StatusCode)
	}
}

func (u *rawUpload) do(t testing.TB, method, url string, body io.Reader, size int64) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set("Authorization", u.auth)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := u.client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	return resp
}

// patternReader yields an endless, allocation-free byte pattern that does
// not repeat with any short period.
type patternReader struct{ n uint64 }

func (p *patternReader) Read(b []byte) (int, error) {
	for i := range b {
		p.n++
		x := p.n * 0x9E3779B97F4A7C15
		b[i] = byte(x >> 56)
	}
	return len(b), nil
}
