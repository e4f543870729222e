package cwlogs_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// TestWire: what no SDK sends is answered in the protocol's terms, and a
// body too large is refused as the client's fault, never a 500.
func TestWire(t *testing.T) {
	t.Parallel()
	h := stamped(t, newServer(), withCaller)
	huge := strings.Repeat("x", 3<<20)
	tests := []struct {
		name, method, target, ctype string
		body                        io.Reader
		chunked                     bool
		status                      int
		typ                         string
	}{
		{"malformed JSON", "POST", "Logs_20140328.CreateLogGroup", "", strings.NewReader(`{"logGroupName":`), false, 400, "SerializationException"},
		{"wrong type", "POST", "Logs_20140328.CreateLogGroup", "", strings.NewReader(`{"logGroupName":7}`), false, 400, "SerializationException"},
		{"missing name", "POST", "Logs_20140328.CreateLogGroup", "", strings.NewReader(`{}`), false, 400, "InvalidParameterException"},
		{"unknown operation", "POST", "Logs_20140328.DeleteEverything", "", strings.NewReader(`{}`), false, 400, "UnknownOperationException"},
		{"another service's target", "POST", "AmazonEC2ContainerRegistry_V20150921.CreateLogGroup", "", strings.NewReader(`{}`), false, 400, "UnknownOperationException"},
		{"not JSON 1.1", "POST", "Logs_20140328.DescribeLogGroups", "application/json", strings.NewReader(`{}`), false, 400, "UnknownOperationException"},
		{"GET", "GET", "Logs_20140328.DescribeLogGroups", "", nil, false, 404, "UnknownOperationException"},
		{"oversize, declared", "POST", "Logs_20140328.PutLogEvents", "", strings.NewReader(huge), false, 413, "SerializationException"},
		{"oversize, chunked", "POST", "Logs_20140328.PutLogEvents", "", strings.NewReader(huge), true, 413, "SerializationException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if tc.chunked {
				body = io.MultiReader(body) // hides the length: sent chunked
			}
			req, _ := http.NewRequestWithContext(t.Context(), tc.method, h.URL+"/", body)
			req.Header.Set("X-Amz-Target", tc.target)
			ctype := tc.ctype
			if ctype == "" {
				ctype = "application/x-amz-json-1.1"
			}
			req.Header.Set("Content-Type", ctype)
			resp, err := h.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e struct {
				Type string `json:"__type"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != tc.status || e.Type != tc.typ {
				t.Fatalf("%d %q (%v), want %d %s", resp.StatusCode, e.Type, err, tc.status, tc.typ)
			}
		})
	}
}

// TestConcurrentUse: writers and readers of many streams at once; run
// with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c, ctx := serve(t), t.Context()
	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Go(func() {
			s := fmt.Sprint("s", w)
			if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(s)}); err != nil {
				errs <- err
				return
			}
			for range 10 {
				_, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(s), LogEvents: events(5, now)})
				_, err2 := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g")})
				_, err3 := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(s)})
				if err := cmpErr(err, err2, err3); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	out, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s3"), StartFromHead: aws.Bool(true)})
	if err != nil || len(out.Events) != 50 {
		t.Fatalf("a stream after the writes: %d events, %v", len(out.Events), err)
	}
	assertSorted(t, out.Events)
}

func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// assertSorted: a stream reads by timestamp, whatever order batches came in.
func assertSorted(t *testing.T, evs []types.OutputLogEvent) {
	t.Helper()
	for i := 1; i < len(evs); i++ {
		if aws.ToInt64(evs[i].Timestamp) < aws.ToInt64(evs[i-1].Timestamp) {
			t.Fatalf("event %d (%d) before event %d (%d)", i, aws.ToInt64(evs[i].Timestamp), i-1, aws.ToInt64(evs[i-1].Timestamp))
		}
	}
}
