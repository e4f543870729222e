package cwlogs_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

const endpointID = "vpce-0logs00000000000"

// behind stamps a caller that came through an interface endpoint with
// policy, reporting decisions to rec.
func behind(t *testing.T, policy string, rec *recorder) func(*reqinfo.Info) *reqinfo.Info {
	p, err := policyeval.Parse([]byte(policy), policyeval.KindEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	return func(i *reqinfo.Info) *reqinfo.Info {
		i.Caller = &policyeval.Caller{VPCEndpointID: endpointID, EndpointPolicies: []*policyeval.Policy{p}}
		i.Caller.Context.Set("aws:SourceVpce", endpointID)
		i.Observer = rec
		return i
	}
}

// TestEndpointPolicy: the logs endpoint's policy bounds every call, with
// AWS's AccessDenied texts, and each decision is reported.
func TestEndpointPolicy(t *testing.T) {
	t.Parallel()
	const policy = `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":"*","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},
	 {"Sid":"NoApp","Effect":"Deny","Principal":"*","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:*:*:log-group:/ecs/app:*"}]}`
	rec := &recorder{}
	srv := newServer()
	open := client(stamped(t, srv, withCaller))
	mustStream(t, open, "/ecs/app", "s")
	mustStream(t, open, "/ecs/other", "s")
	c, ctx := client(stamped(t, srv, behind(t, policy, rec))), t.Context()

	_, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("s"), LogEvents: events(1, now)})
	want := "User: arn:aws:iam::" + account + ":root is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:us-east-1:" +
		account + ":log-group:/ecs/app:log-stream:s with an explicit deny in a VPC endpoint policy"
	var denied *types.AccessDeniedException
	if !errors.As(err, &denied) || denied.ErrorMessage() != want {
		t.Fatalf("got %v, want AccessDeniedException %q", err, want)
	}
	if _, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/other"), LogStreamName: aws.String("s"), LogEvents: events(1, now)}); err != nil {
		t.Fatalf("another group: %v", err)
	}
	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/new")})
	if !errors.As(err, &denied) || !strings.HasSuffix(denied.ErrorMessage(), "because no VPC endpoint policy allows the logs:CreateLogGroup action") {
		t.Fatalf("got %v, want an implicit deny", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.got) != 3 {
		t.Fatalf("%d decisions reported, want 3", len(rec.got))
	}
	a := rec.got[0]
	if a.Action != "logs:PutLogEvents" || a.Message != want || a.Decision.Allowed() || len(a.Policies) != 1 ||
		a.Policies[0].Type != policyeval.PolicyEndpoint || a.Policies[0].ID != endpointID {
		t.Fatalf("reported %+v", a)
	}
	if rec.got[1].Message != "" || !rec.got[1].Decision.Allowed() {
		t.Fatalf("allowed call reported as %+v", rec.got[1])
	}
}

// TestNoNetworkDecision: without a caller every call is denied; without
// the request facts at all it is the service's fault, never served.
func TestNoNetworkDecision(t *testing.T) {
	t.Parallel()
	srv := newServer()
	noCaller := client(stamped(t, srv, func(i *reqinfo.Info) *reqinfo.Info { return i }))
	_, err := noCaller.CreateLogGroup(t.Context(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")})
	var denied *types.AccessDeniedException
	if !errors.As(err, &denied) || !strings.HasSuffix(denied.ErrorMessage(), "because no network path was decided for the request") {
		t.Fatalf("without a caller: %v", err)
	}
	noInfo := client(stamped(t, srv, func(*reqinfo.Info) *reqinfo.Info { return nil }))
	_, err = noInfo.DescribeLogGroups(t.Context(), &cloudwatchlogs.DescribeLogGroupsInput{})
	var fault *types.ServiceUnavailableException
	if !errors.As(err, &fault) {
		t.Fatalf("without request facts: %v, want ServiceUnavailableException", err)
	}
	wrong := client(stamped(t, srv, func(i *reqinfo.Info) *reqinfo.Info {
		i.Class = reqinfo.Class{Service: reqinfo.ServiceAPI}
		return withCaller(i)
	}))
	if _, err = wrong.DescribeLogGroups(t.Context(), &cloudwatchlogs.DescribeLogGroupsInput{}); !errors.As(err, &fault) {
		t.Fatalf("classified as another service: %v, want ServiceUnavailableException", err)
	}
}

// TestRegionFromHost: a request by an AWS name acts in that name's region;
// each region's groups are apart.
func TestRegionFromHost(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := stamped(t, newServer(), func(i *reqinfo.Info) *reqinfo.Info { i.Observer = rec; return withCaller(i) })
	do := func(host, body string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, h.URL, strings.NewReader(body))
		req.Host = host
		req.Header.Set("X-Amz-Target", "Logs_20140328.CreateLogGroup")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := h.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := do("logs.eu-west-1.amazonaws.com", `{"logGroupName":"g"}`); got != http.StatusOK {
		t.Fatalf("eu-west-1: %d", got)
	}
	if got := do("logs.us-east-1.amazonaws.com", `{"logGroupName":"g"}`); got != http.StatusOK {
		t.Fatalf("us-east-1, the same name: %d", got)
	}
	if got := do("logs.eu-west-1.amazonaws.com", `{"logGroupName":"g"}`); got != http.StatusBadRequest {
		t.Fatalf("eu-west-1 again: %d, want 400 ResourceAlreadyExistsException", got)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if r := rec.got[0].Resource; r != "arn:aws:logs:eu-west-1:"+account+":log-group:g:*" {
		t.Fatalf("resource %q", r)
	}
}
