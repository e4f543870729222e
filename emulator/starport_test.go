package emulator_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// recorder remembers every request a client sends.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Clone(context.Background()))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// TestPullFollowsRedirectToStarport pulls by AWS names: every layer comes
// from the starport bucket's host after a 307, and no request to that host
// carries the registry credentials (ECR-FACTS §5).
func TestPullFollowsRedirectToStarport(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Account: "111122223333"})
	inst.CreateRepository("app")
	_, port, _ := strings.Cut(inst.Host(), ":")
	rec := &recorder{next: inst.HTTPClient().Transport}
	opts := []remote.Option{remote.WithAuth(inst.Auth()), remote.WithTransport(rec)}
	img, _ := random.Image(4096, 3)
	ref, _ := name.ParseReference("111122223333.dkr.ecr.us-east-1.amazonaws.com:"+port+"/app:1", name.Insecure)
	if err := remote.Write(ref, img, opts...); err != nil {
		t.Fatal(err)
	}
	got, err := remote.Image(ref, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := got.ConfigFile(); err != nil {
		t.Fatalf("config: %v", err)
	}
	layers, _ := got.Layers()
	for _, l := range layers {
		rc, err := l.Compressed() // verifies the digest while reading
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatalf("layer bytes: %v", err)
		}
		rc.Close()
	}
	starport := "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com:" + port
	var fetched int
	for _, r := range rec.reqs {
		if r.Host != starport && r.URL.Host != starport {
			continue
		}
		fetched++
		if r.Header.Get("Authorization") != "" {
			t.Errorf("request to the starport bucket carried Authorization: %s", r.URL)
		}
		if !strings.Contains(r.URL.RawQuery, "X-Amz-Signature=") || !strings.Contains(r.URL.RawQuery, "X-Amz-Security-Token=") {
			t.Errorf("starport URL is not presigned: %s", r.URL)
		}
	}
	if fetched < 4 { // the config and three layers
		t.Fatalf("%d requests reached the starport bucket, want at least 4", fetched)
	}
}

// TestStarportErrors follows layer URLs by hand: a range, a tampered URL
// and GetDownloadUrlForLayer's URL.
func TestStarportErrors(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	inst := ecrlinktest.Start(t, emulator.Config{Now: clock})
	layer, ld := pushLayer(t, inst)
	noRedirect := inst.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest("GET", inst.URL()+"/v2/app/blobs/"+ld.String(), nil)
	req.Header.Set("Authorization", basic("AWS", inst.Auth().(*authn.Basic).Password))
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 307 || !strings.HasPrefix(loc, inst.URL()+"/prod-us-east-1-starport-layer-bucket/") {
		t.Fatalf("blob GET: %d Location %q, want 307 to the path-style bucket on this listener", resp.StatusCode, loc)
	}
	rc, _ := layer.Compressed()
	whole, _ := io.ReadAll(rc)
	if code, body := get(t, loc, "Range", "bytes=5-9"); code != 206 || body != string(whole[5:10]) {
		t.Errorf("range: %d %q", code, body)
	}
	if code, body := get(t, strings.Replace(loc, "X-Amz-Signature=", "X-Amz-Signature=f", 1)); code != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("tampered: %d %s", code, body)
	}
	now.Add(int64(2 * time.Hour / time.Second)) // past the URL's lifetime
	if code, body := get(t, loc); code != 403 || !strings.Contains(body, "<Code>AccessDenied</Code><Message>Request has expired</Message>") {
		t.Errorf("expired: %d %s", code, body)
	}
	if code, body := get(t, downloadURL(t, inst, ld.String())); code != 200 || body != string(whole) {
		t.Errorf("downloadUrl: %d, %d bytes", code, len(body))
	}
}

// TestStarportRefusesRepeatedSigningParameters: a layer URL with a signing
// parameter given twice (…&X-Amz-Signature=00 appended) is refused, as S3
// refuses it, whichever value was signed.
func TestStarportRefusesRepeatedSigningParameters(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	_, ld := pushLayer(t, inst)
	u := downloadURL(t, inst, ld.String())
	if code, _ := get(t, u); code != 200 {
		t.Fatalf("the URL as issued: %d", code)
	}
	signed, _ := url.Parse(u)
	for _, p := range []string{"X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
		"X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token"} {
		for _, extra := range []string{"00", signed.Query().Get(p)} {
			t.Run(p+"="+extra[:min(len(extra), 8)], func(t *testing.T) {
				t.Parallel()
				for _, dup := range []string{u + "&" + p + "=" + url.QueryEscape(extra), // appended
					strings.Replace(u, "?", "?"+p+"="+url.QueryEscape(extra)+"&", 1)} { // prepended
					code, body := get(t, dup)
					if code != http.StatusBadRequest || !strings.Contains(body, "<Code>AuthorizationQueryParametersError</Code>") {
						t.Fatalf("%s: got %d %.120q, want 400 AuthorizationQueryParametersError", dup[strings.Index(dup, "?"):], code, body)
					}
				}
			})
		}
	}
}

// TestPathStyleBucketOnlyOnDirectAndStarportHosts: a path-style layer URL
// is the layer bucket's only on the direct host (where ecrlink issues
// them) and the bucket's own hosts; on the registry and API names the path
// belongs to those services, as on AWS.
func TestPathStyleBucketOnlyOnDirectAndStarportHosts(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	_, ld := pushLayer(t, inst)
	u := downloadURL(t, inst, ld.String())
	if code, _ := get(t, u); code != http.StatusOK {
		t.Fatalf("the URL as issued, on the direct host: %d", code)
	}
	for _, host := range []string{"000000000000.dkr.ecr.us-east-1.amazonaws.com", "api.ecr.us-east-1.amazonaws.com"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Host = host
		resp, err := inst.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "<Error>") {
			t.Errorf("path-style layer URL on %s: %d %.120q; want the %s service's answer, not the bucket's",
				host, resp.StatusCode, body, strings.SplitN(host, ".", 3)[1])
		}
	}
}

// pushLayer pushes a one-layer image to a new repository app and returns
// the layer and its digest.
func pushLayer(t *testing.T, inst *ecrlinktest.Instance) (v1.Layer, v1.Hash) {
	t.Helper()
	inst.CreateRepository("app")
	img, _ := random.Image(1000, 1)
	if err := remote.Write(inst.Ref("app:1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	ld, _ := layers[0].Digest()
	return layers[0], ld
}

// downloadURL is the layer URL GetDownloadUrlForLayer gives for digest in app.
func downloadURL(t *testing.T, inst *ecrlinktest.Instance, digest string) string {
	t.Helper()
	out, err := inst.ECR().GetDownloadUrlForLayer(t.Context(), &ecr.GetDownloadUrlForLayerInput{
		RepositoryName: aws.String("app"), LayerDigest: aws.String(digest)})
	if err != nil {
		t.Fatalf("GetDownloadUrlForLayer: %v", err)
	}
	return aws.ToString(out.DownloadUrl)
}
