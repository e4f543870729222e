package emulator_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
)

const (
	apiTarget = "AmazonEC2ContainerRegistry_V20150921."
	// anyKeyAuth is a well-formed SigV4 header for a key ecrlink does not
	// know, which it maps to the account root without verifying.
	anyKeyAuth = "AWS4-HMAC-SHA256 Credential=AKIAANY/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=00"
)

// sendAPIHeaders writes the head of an ECR API request declaring a body of
// size bytes, and none of the body.
func sendAPIHeaders(t *testing.T, inst *ecrlinktest.Instance, op string, size int64, header ...string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", inst.Host())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var b strings.Builder
	fmt.Fprintf(&b, "POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: %s%s\r\n", inst.Host(), apiTarget, op)
	fmt.Fprintf(&b, "Content-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n", size)
	for i := 0; i+1 < len(header); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", header[i], header[i+1])
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		t.Fatal(err)
	}
	return conn
}

// TestAPIRefusesBeforeReadingTheBody sends only the head of requests that
// declare a 27 MiB body: what cannot be authenticated, or declares more
// than its operation can take, is answered at once, without waiting for a
// byte of the body. (ecrlink used to read up to 28 MiB first.)
func TestAPIRefusesBeforeReadingTheBody(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Identities: []emulator.Identity{
		{AccessKeyID: "AKIAKNOWN", SecretAccessKey: "right", Principal: "arn:aws:iam::000000000000:user/ci"}}})
	const size = 27 << 20
	now := time.Now().UTC()
	known := "AWS4-HMAC-SHA256 Credential=AKIAKNOWN/" + now.Format("20060102") + "/us-east-1/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
	tests := []struct {
		name   string
		op     string
		header []string
		status int
		code   string
	}{
		{"no credentials", "ListImages", nil, 403, "MissingAuthenticationTokenException"},
		{"not SigV4", "ListImages", []string{"Authorization", "Basic QVdTOng="}, 400, "IncompleteSignatureException"},
		{"another service's scope", "ListImages", []string{"Authorization", strings.Replace(anyKeyAuth, "/ecr/", "/s3/", 1)}, 400, "InvalidSignatureException"},
		{"another region's scope", "ListImages", []string{"Authorization", strings.Replace(anyKeyAuth, "us-east-1", "eu-west-1", 1)}, 400, "InvalidSignatureException"},
		{"known key, no date", "ListImages", []string{"Authorization", known}, 400, "IncompleteSignatureException"},
		{"known key, expired date", "ListImages", []string{"Authorization", known, "X-Amz-Date", now.Add(-time.Hour).Format("20060102T150405Z")}, 400, "InvalidSignatureException"},
		{"more than the operation takes", "ListImages", []string{"Authorization", anyKeyAuth}, 400, "SerializationException"},
		{"more than a layer part", "UploadLayerPart", []string{"Authorization", anyKeyAuth}, 400, "SerializationException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := int64(size)
			if tc.op == "UploadLayerPart" {
				n = 29 << 20
			}
			conn := sendAPIHeaders(t, inst, tc.op, n, tc.header...)
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer without the body: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), `"`+tc.code+`"`) {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, body, tc.status, tc.code)
			}
		})
	}
}

// TestUnauthenticatedBodiesTakeNoMemory sends concurrent unauthenticated
// 27 MiB requests and samples the heap meanwhile: it must not grow by
// their bodies (it grew by all of them: gigabytes for a hundred). Not
// parallel: it reads process-wide memory statistics.
func TestUnauthenticatedBodiesTakeNoMemory(t *testing.T) {
	const clients, size = 10, 27 << 20
	inst := ecrlinktest.Start(t, emulator.Config{})
	client := ecrtest.Client(t)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() { peak <- samplePeakHeap(stop) }()

	var wg sync.WaitGroup
	statuses := make(chan int, clients)
	for range clients {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, inst.URL()+"/", io.LimitReader(&patternReader{}, size))
			req.ContentLength = size
			req.Header.Set("X-Amz-Target", apiTarget+"ListImages")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			resp, err := client.Do(req)
			if err != nil {
				t.Errorf("POST: %v", err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(stop)
	close(statuses)
	for s := range statuses {
		if s != http.StatusForbidden {
			t.Errorf("status %d, want 403", s)
		}
	}
	growth := int64(<-peak) - int64(base.HeapInuse)
	t.Logf("heap in use grew by at most %d MiB during %d unauthenticated %d MiB requests", growth>>20, clients, size>>20)
	if growth > 64<<20 {
		t.Fatalf("heap grew by %d MiB, want under 64 MiB", growth>>20)
	}
}

// samplePeakHeap returns the largest HeapInuse seen until stop is closed.
func samplePeakHeap(stop <-chan struct{}) uint64 {
	var peak uint64
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapInuse)
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}

// TestAPIBodiesShareOneBudget holds one request whose body, all but its
// last byte sent, takes the whole budget; meanwhile another request is
// refused with ThrottlingException (which the SDKs retry), and once the
// first is gone the budget is free again.
func TestAPIBodiesShareOneBudget(t *testing.T) {
	t.Parallel()
	const budget = 1 << 20
	inst := ecrlinktest.Start(t, emulator.Config{MaxAPIBodyMemory: budget})
	hog := sendAPIHeaders(t, inst, "UploadLayerPart", budget, "Authorization", anyKeyAuth)
	start := `{"repositoryName":"app","layerPartBlob":"`
	if _, err := io.WriteString(hog, start+strings.Repeat("A", budget-1-len(start))); err != nil {
		t.Fatal(err)
	}
	describe := func() error {
		_, err := inst.ECR().DescribeRepositories(context.Background(), &ecr.DescribeRepositoriesInput{})
		return err
	}
	// The hog holds the budget once the server has read most of its body;
	// until then a request may still get through.
	var ae smithy.APIError
	deadline := time.Now().Add(10 * time.Second)
	for err := describe(); !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException"; err = describe() {
		if time.Now().After(deadline) {
			t.Fatalf("while another body holds the budget: got %v, want ThrottlingException", err)
		}
	}
	if ae.ErrorMessage() != "Rate exceeded" {
		t.Errorf("message %q, want Rate exceeded", ae.ErrorMessage())
	}
	hog.Close()
	for err := describe(); err != nil; err = describe() {
		if time.Now().After(deadline) {
			t.Fatalf("after the hog left: %v", err)
		}
	}
}

// TestSlowBodiesHoldOnlyWhatTheySent opens requests that declare bodies as
// large as the whole budget and send only their first bytes: they hold
// what they sent, not what they declared, so other API calls still get
// through meanwhile (every one was throttled for as long as such a body
// took to arrive).
func TestSlowBodiesHoldOnlyWhatTheySent(t *testing.T) {
	t.Parallel()
	const budget, hogs = 4 << 20, 4
	inst := ecrlinktest.Start(t, emulator.Config{MaxAPIBodyMemory: budget})
	conns := make([]net.Conn, hogs)
	for i := range conns {
		conns[i] = sendAPIHeaders(t, inst, "UploadLayerPart", budget, "Authorization", anyKeyAuth)
		if _, err := io.WriteString(conns[i], `{"repositoryName":"app",`); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond) // for the server to read their heads
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		if _, err := inst.ECR().DescribeRepositories(context.Background(), &ecr.DescribeRepositoriesInput{}); err != nil {
			t.Fatalf("while %d bodies of %d MiB trickle in: %v", hogs, budget>>20, err)
		}
	}
	for i, conn := range conns { // still being read, not refused
		if answer, closed := closedWithin(conn, 10*time.Millisecond); closed || answer != "" {
			t.Fatalf("slow body %d: answered %q, closed %v", i, answer, closed)
		}
	}
}
