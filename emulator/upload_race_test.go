package emulator_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/authn"
	godigest "github.com/opencontainers/go-digest"
)

// uploader drives the registry API's blob upload by hand, one raw request
// at a time, so tests can interleave what no client library would.
type uploader struct {
	t    testing.TB
	base string // http://host:port
	auth string
	c    *http.Client
}

func newUploader(t testing.TB, inst *ecrlinktest.Instance) *uploader {
	tr := ecrtest.NewTransport()
	// A request sent with "Expect: 100-continue" holds its body until the
	// handler starts reading it: by then ecrlink has made its checks.
	tr.ExpectContinueTimeout = time.Minute
	t.Cleanup(tr.CloseIdleConnections)
	return &uploader{t: t, base: inst.URL(), auth: basic("AWS", inst.Auth().(*authn.Basic).Password),
		c: &http.Client{Transport: tr}}
}

// reply is one response, its body read.
type reply struct {
	status   int
	location string
	body     string
}

// do sends method to target (a path or an absolute Location) with body and
// query parameters added; extra is header name/value pairs.
func (u *uploader) do(method, target string, body io.Reader, query url.Values, extra ...string) reply {
	u.t.Helper()
	ref, err := url.Parse(target)
	if err != nil {
		u.t.Fatal(err)
	}
	base, _ := url.Parse(u.base)
	full := base.ResolveReference(ref)
	q := full.Query()
	for k, v := range query {
		q[k] = v
	}
	full.RawQuery = q.Encode()
	req, err := http.NewRequest(method, full.String(), body)
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Authorization", u.auth)
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	resp, err := u.c.Do(req)
	if err != nil {
		u.t.Errorf("%s %s: %v", method, target, err)
		return reply{}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header.Get("Location"), string(b)}
}

// start opens an upload in repo and returns its Location.
func (u *uploader) start(repo string) string {
	u.t.Helper()
	r := u.do(http.MethodPost, "/v2/"+repo+"/blobs/uploads/", nil, nil)
	if r.status != http.StatusAccepted {
		u.t.Fatalf("POST upload: %d %s", r.status, r.body)
	}
	return r.location
}

// patch sends one chunk and returns the next Location.
func (u *uploader) patch(loc string, chunk []byte) string {
	u.t.Helper()
	r := u.do(http.MethodPatch, loc, bytes.NewReader(chunk), nil, "Content-Type", "application/octet-stream")
	if r.status != http.StatusAccepted {
		u.t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	return r.location
}

// complete PUTs the upload at loc closed with digest d.
func (u *uploader) complete(loc string, d godigest.Digest) reply {
	return u.do(http.MethodPut, loc, nil, url.Values{"digest": {d.String()}})
}

// checkBlob GETs d from repo: absent is fine, present must hash to d.
func (u *uploader) checkBlob(repo string, d godigest.Digest) (present bool) {
	u.t.Helper()
	r := u.do(http.MethodGet, "/v2/"+repo+"/blobs/"+d.String(), nil, nil)
	switch r.status {
	case http.StatusNotFound:
		return false
	case http.StatusOK:
		if got := godigest.FromString(r.body); got != d {
			u.t.Errorf("%s serves %d bytes %.40q hashing to %s", d, len(r.body), r.body, got)
		}
		return true
	}
	u.t.Errorf("GET blob %s: %d %s", d, r.status, r.body)
	return false
}

// stallingBody sends head, says so on started, then waits for release
// before sending tail: a chunk still streaming while others act.
type stallingBody struct {
	head, tail []byte
	started    chan struct{}
	release    chan struct{}
	once       sync.Once
}

func newStallingBody(head, tail string) *stallingBody {
	return &stallingBody{head: []byte(head), tail: []byte(tail), started: make(chan struct{}), release: make(chan struct{})}
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if len(b.head) > 0 {
		n := copy(p, b.head)
		b.head = b.head[n:]
		return n, nil
	}
	b.once.Do(func() { close(b.started) })
	<-b.release
	if len(b.tail) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.tail)
	b.tail = b.tail[n:]
	return n, nil
}

// TestPatchStreamingDuringComplete completes an upload while a PATCH to it
// is still streaming: whichever goes first, the stored blob must be the
// completed bytes, for the uploader and for a repository that pushes the
// same bytes later.
func TestPatchStreamingDuringComplete(t *testing.T) {
	t.Parallel()
	completers := []struct {
		name string
		// complete completes the upload at loc, reporting whether it did;
		// a failure must be the client's (4xx), never the server's.
		complete func(t *testing.T, u *uploader, inst *ecrlinktest.Instance, loc string, d godigest.Digest) bool
	}{
		{"registry PUT", func(t *testing.T, u *uploader, _ *ecrlinktest.Instance, loc string, d godigest.Digest) bool {
			r := u.complete(loc, d)
			if r.status >= 500 {
				t.Errorf("PUT: %d %s", r.status, r.body)
			}
			return r.status == http.StatusCreated
		}},
		{"CompleteLayerUpload", func(t *testing.T, _ *uploader, inst *ecrlinktest.Instance, loc string, d godigest.Digest) bool {
			_, err := inst.ECR().CompleteLayerUpload(context.Background(), &ecr.CompleteLayerUploadInput{
				RepositoryName: aws.String("race"), UploadId: aws.String(uploadID(loc)), LayerDigests: []string{d.String()}})
			var re *awshttp.ResponseError
			if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
				t.Errorf("CompleteLayerUpload: %v", err)
			}
			return err == nil
		}},
	}
	for _, mode := range localModes {
		for _, tc := range completers {
			t.Run(mode.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				inst := ecrlinktest.Start(t, mode.cfg(t))
				inst.CreateRepository("race")
				inst.CreateRepository("victim")
				u := newUploader(t, inst)
				content := "genuine layer " + t.Name()
				d := godigest.FromString(content)
				loc := u.patch(u.start("race"), []byte(content))

				body := newStallingBody("GARB", "AGE!")
				patched := make(chan reply, 1)
				go func() {
					patched <- u.do(http.MethodPatch, loc, body, nil, "Content-Type", "application/octet-stream",
						"Expect", "100-continue")
				}()
				<-body.started
				completed := make(chan bool, 1)
				go func() { completed <- tc.complete(t, u, inst, loc, d) }()
				// Give the complete its chance to overtake the PATCH; a
				// complete that waits for the PATCH is just as right.
				var ok bool
				select {
				case ok = <-completed:
					close(body.release)
				case <-time.After(300 * time.Millisecond):
					close(body.release)
					ok = <-completed
				}
				p := <-patched
				if ok && p.status == http.StatusAccepted {
					t.Errorf("both the complete and the PATCH succeeded (PATCH %d %s)", p.status, p.body)
				}
				if p.status >= 500 {
					t.Errorf("PATCH: %d %s", p.status, p.body)
				}
				if present := u.checkBlob("race", d); present != ok {
					t.Errorf("blob present %v after a complete that succeeded %v", present, ok)
				}
				// A victim pushing the genuine bytes must get them back.
				vloc := u.patch(u.start("victim"), []byte(content))
				if r := u.complete(vloc, d); r.status != http.StatusCreated {
					t.Fatalf("victim PUT: %d %s", r.status, r.body)
				}
				if !u.checkBlob("victim", d) {
					t.Errorf("victim's blob missing")
				}
			})
		}
	}
}

// uploadID is the upload id at the end of a Location's path.
func uploadID(loc string) string {
	p, _, _ := strings.Cut(loc, "?")
	return p[strings.LastIndex(p, "/")+1:]
}

// TestConcurrentCompletes sends 12 completing PUTs of one upload at once:
// exactly one wins, the rest are told the upload is unknown, and the blob
// holds the uploaded bytes.
func TestConcurrentCompletes(t *testing.T) {
	t.Parallel()
	const racers = 12
	inst := ecrlinktest.Start(t, emulator.Config{DataDir: t.TempDir()})
	inst.CreateRepository("race")
	u := newUploader(t, inst)
	content := strings.Repeat("layer bytes ", 1000)
	d := godigest.FromString(content)
	loc := u.patch(u.start("race"), []byte(content))

	var wg sync.WaitGroup
	ready := make(chan struct{})
	replies := make([]reply, racers)
	for i := range racers {
		wg.Go(func() {
			<-ready
			replies[i] = u.complete(loc, d)
		})
	}
	close(ready)
	wg.Wait()
	won := 0
	for i, r := range replies {
		switch {
		case r.status == http.StatusCreated:
			won++
		case r.status == http.StatusNotFound && strings.Contains(r.body, "BLOB_UPLOAD_UNKNOWN"):
		default:
			t.Errorf("PUT %d: %d %s, want 201 or 404 BLOB_UPLOAD_UNKNOWN", i, r.status, r.body)
		}
	}
	if won != 1 {
		t.Errorf("%d completes won, want exactly 1", won)
	}
	if !u.checkBlob("race", d) {
		t.Errorf("blob missing after the upload completed")
	}
	// The completed upload accepts nothing more.
	r := u.do(http.MethodPatch, loc, strings.NewReader("more"), nil, "Content-Type", "application/octet-stream")
	if r.status != http.StatusNotFound || !strings.Contains(r.body, "BLOB_UPLOAD_UNKNOWN") {
		t.Errorf("PATCH after the complete: %d %s, want 404 BLOB_UPLOAD_UNKNOWN", r.status, r.body)
	}
	_, err := inst.ECR().UploadLayerPart(context.Background(), &ecr.UploadLayerPartInput{
		RepositoryName: aws.String("race"), UploadId: aws.String(uploadID(loc)), LayerPartBlob: []byte("more"),
		PartFirstByte: aws.Int64(int64(len(content))), PartLastByte: aws.Int64(int64(len(content)) + 3)})
	if !ecrtest.IsException[*types.UploadNotFoundException](err) {
		t.Errorf("UploadLayerPart after the complete: %v, want UploadNotFoundException", err)
	}
}
