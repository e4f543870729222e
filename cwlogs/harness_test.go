package cwlogs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/ecrlink/ecrlink/cwlogs"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

const account = "111122223333"

// now is the tests' clock: event timestamps are relative to it.
var now = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

// stamped serves srv as the emulator does, with the request facts stamp
// decides: a caller, none, or no facts at all. Direct mode classifies by
// path, so the stamp names the logs service itself.
func stamped(t testing.TB, srv *cwlogs.Server, stamp func(*reqinfo.Info) *reqinfo.Info) *httptest.Server {
	h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := reqinfo.New(r)
		info.Class = reqinfo.Class{Service: reqinfo.ServiceLogs, Step: reqinfo.StepLogs}
		if info = stamp(info); info != nil {
			r = r.WithContext(reqinfo.With(r.Context(), info))
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(h.Close)
	return h
}

// withCaller stamps a caller the network let through with nothing to bound it.
func withCaller(i *reqinfo.Info) *reqinfo.Info { i.Caller = &policyeval.Caller{}; return i }

func newServer() *cwlogs.Server {
	return &cwlogs.Server{Account: account, Region: "us-east-1", Now: func() time.Time { return now }}
}

func client(h *httptest.Server) *cloudwatchlogs.Client {
	return cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(h.URL),
		HTTPClient: h.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
}

// serve starts a Server with a caller and returns a client of it.
func serve(t *testing.T) *cloudwatchlogs.Client {
	t.Helper()
	return client(stamped(t, newServer(), withCaller))
}

// mustStream creates group and stream.
func mustStream(t *testing.T, c *cloudwatchlogs.Client, group, stream string) {
	t.Helper()
	ctx := t.Context()
	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
		t.Fatal(err)
	}
}

// events builds n events a second apart, ending at end, messages "m0"...
func events(n int, end time.Time) []types.InputLogEvent {
	out := make([]types.InputLogEvent, n)
	for i := range out {
		ts := end.Add(time.Duration(i-n+1) * time.Second).UnixMilli()
		out[i] = types.InputLogEvent{Timestamp: aws.Int64(ts), Message: aws.String("m" + strconv.Itoa(i))}
	}
	return out
}

// recorder collects the authorization decisions reported.
type recorder struct {
	mu  sync.Mutex
	got []reqinfo.Authorization
}

func (r *recorder) ObserveAuthorization(_ context.Context, _ *reqinfo.Info, a reqinfo.Authorization) {
	r.mu.Lock()
	r.got = append(r.got, a)
	r.mu.Unlock()
}
