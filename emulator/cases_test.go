package emulator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/emulator/journal"
)

// healthyVPC is the catalogue's starting point: a task in a private subnet
// with every endpoint a pull needs, security groups that let it in, an S3
// gateway on its route table, a second registry in another region and one
// in another account. Each case breaks one thing with a JSON Patch.
const healthyVPC = `{
 "account": "111122223333", "region": "us-east-1", "hold": "150ms",
 "vpc": {"id": "vpc-0app", "cidr": "10.0.0.0/16", "ipv6Cidr": "2600:1f18:1234:5600::/56"},
 "subnets": [{"id": "subnet-a", "cidr": "10.0.1.0/24", "routeTable": "rtb-a"},
             {"id": "subnet-b", "cidr": "10.0.2.0/24", "routeTable": "rtb-b"}],
 "securityGroups": [
   {"id": "sg-endpoints", "ingress": [{"protocol": "tcp", "port": 443, "sourceGroup": "sg-task"}]},
   {"id": "sg-task"}],
 "endpoints": [
   {"id": "vpce-0api", "service": "ecr.api", "securityGroups": ["sg-endpoints"]},
   {"id": "vpce-0dkr", "service": "ecr.dkr", "securityGroups": ["sg-endpoints"]},
   {"id": "vpce-0s3", "service": "s3", "type": "gateway", "routeTables": ["rtb-a"]},
   {"id": "vpce-0logs", "service": "logs", "securityGroups": ["sg-endpoints"]}],
 "client": {"kind": "ecs-ec2", "subnet": "subnet-a", "ip": "10.0.1.25", "securityGroups": ["sg-task"]},
 "repositories": [{"name": "app"}, {"name": "locked", "imageTagMutability": "IMMUTABLE"}],
 "registries": [{"account": "111122223333", "region": "us-west-2", "repositories": [{"name": "app"}]},
                {"account": "444455556666", "region": "us-east-1", "repositories": [{"name": "shared", "policy": {"Version": "2012-10-17",
                  "Statement": [{"Sid": "AppAccount", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "ecr:*"}]}}]}]
}`

// liveCase is one catalogue case run live: break the healthy VPC with
// patch, run the client's action, and check the hop that fails.
type liveCase struct {
	name  string
	patch string // RFC 6902 patch of healthyVPC; empty: as it is
	do    string // pull, push, auth (GetAuthorizationToken), push-locked
	// ref is the image pulled or pushed, on the instance by default.
	ref string
	// The failing hop as the journal has it; step empty: the action works.
	service, step, outcome string
	status                 int
	err                    string // in the journal record's error
	// fix is the patch of healthyVPC that mends the case, empty for the
	// healthy VPC itself; fixedRef, if set, is the image the mended
	// client names instead (a name the VPC can reach).
	fix, fixedRef string
	// sid is the Sid of the statement the journal must name as deciding.
	sid string
}

var cases = []liveCase{
	{name: "healthy", do: "pull"},
	{name: "healthy push", do: "push"},
	{name: "healthy awslogs", do: "logs"},
	{name: "awslogs without a logs endpoint", patch: `[{"op":"remove","path":"/endpoints/3"}]`, do: "logs",
		service: "logs", step: "logs", outcome: "held", err: "i/o timeout"},
	{name: "ecr.api missing on ECS on EC2", patch: `[{"op":"remove","path":"/endpoints/0"}]`, do: "auth",
		service: "ecr.api", step: "auth", outcome: "held", err: ":443: i/o timeout"},
	{name: "ecr.api missing on Fargate 1.4.0", patch: `[{"op":"remove","path":"/endpoints/0"},
		{"op":"replace","path":"/client/kind","value":"fargate"},{"op":"add","path":"/client/platformVersion","value":"1.4.0"}]`, do: "auth",
		service: "ecr.api", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "ecr.api missing on Fargate 1.3.0", patch: `[{"op":"remove","path":"/endpoints/0"},
		{"op":"replace","path":"/client/kind","value":"fargate"},{"op":"add","path":"/client/platformVersion","value":"1.3.0"}]`, do: "auth"},
	{name: "security group without 443", patch: `[{"op":"replace","path":"/securityGroups/0/ingress/0/fromPort","value":80},
		{"op":"replace","path":"/securityGroups/0/ingress/0/toPort","value":80}]`, do: "auth",
		service: "ecr.api", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "endpoints on the VPC default group", patch: `[{"op":"remove","path":"/endpoints/1/securityGroups"}]`, do: "pull",
		service: "ecr.dkr", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "ecr.dkr missing", patch: `[{"op":"remove","path":"/endpoints/1"}]`, do: "pull",
		service: "ecr.dkr", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "ecr.dkr private DNS off", patch: `[{"op":"add","path":"/endpoints/1/privateDns","value":false}]`, do: "pull",
		service: "ecr.dkr", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "custom DNS with forwarding", patch: `[{"op":"add","path":"/vpc/dns","value":"custom-forwarding"}]`, do: "pull"},
	{name: "custom DNS without forwarding", patch: `[{"op":"add","path":"/vpc/dns","value":"custom-no-forwarding"}]`, do: "pull",
		service: "ecr.api", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "custom DNS isolated", patch: `[{"op":"add","path":"/vpc/dns","value":"custom-isolated"}]`, do: "pull",
		service: "ecr.api", step: "auth", outcome: "nxdomain", err: "dial tcp: lookup api.ecr.us-east-1.amazonaws.com: no such host"},
	{name: "S3 gateway missing", patch: `[{"op":"remove","path":"/endpoints/2"}]`, do: "pull",
		service: "s3", step: "layer", outcome: "held", err: "i/o timeout"},
	{name: "S3 gateway on another route table", patch: `[{"op":"replace","path":"/endpoints/2/routeTables","value":["rtb-b"]}]`, do: "pull",
		service: "s3", step: "layer", outcome: "held", err: "i/o timeout"},
	{name: "S3 gateway policy without the starport bucket", patch: `[{"op":"add","path":"/endpoints/2/policy","value":
		{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}}]`, do: "pull",
		service: "s3", step: "layer", outcome: "denied", status: 403, err: "AccessDenied: Access Denied"},
	{name: "S3 gateway policy with aws:PrincipalAccount", patch: `[{"op":"add","path":"/endpoints/2/policy","value":
		{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}}]`, do: "pull",
		service: "s3", step: "layer", outcome: "denied", status: 403, err: "AccessDenied: Access Denied"},
	{name: "endpoint policy denies pulls", patch: `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Sid":"DenyPull","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage","Resource":"*"}]}}]`, do: "pull",
		service: "ecr.dkr", step: "manifest", outcome: "denied", status: 403, err: "with an explicit deny in a VPC endpoint policy", sid: "DenyPull"},
	{name: "endpoint policy allows another role only", patch: `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/other"},"Action":"*","Resource":"*"}]}}]`, do: "pull",
		service: "ecr.dkr", step: "manifest", outcome: "denied", status: 403, err: "because no VPC endpoint policy allows the ecr:BatchGetImage action"},
	{name: "endpoint policy denies GetDownloadUrlForLayer", patch: `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Effect":"Deny","Principal":"*","Action":"ecr:GetDownloadUrlForLayer","Resource":"*"}]}}]`, do: "pull",
		service: "ecr.dkr", step: "blob", outcome: "denied", status: 403, err: "ecr:GetDownloadUrlForLayer"},
	{name: "endpoint policy denies PutImage: push fails", patch: `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Effect":"Deny","Principal":"*","Action":"ecr:PutImage","Resource":"*"}]}}]`, do: "push",
		service: "ecr.dkr", step: "manifest", outcome: "denied", status: 403, err: "ecr:PutImage"},
	{name: "endpoint policy denies PutImage: pull works", patch: `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Effect":"Deny","Principal":"*","Action":"ecr:PutImage","Resource":"*"}]}}]`, do: "pull"},
	{name: "image in another region", do: "pull", ref: "111122223333.dkr.ecr.us-west-2.amazonaws.com/app:1",
		service: "ecr.api", step: "auth", outcome: "held", err: "i/o timeout",
		fix: `[{"op":"add","path":"/vpc/internet","value":"nat"}]`},
	{name: "dual-stack name in a private VPC", do: "pull", ref: "111122223333.dkr-ecr.us-east-1.on.aws/app:1",
		service: "ecr.dkr", step: "auth", outcome: "held", err: "i/o timeout", fixedRef: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1"},
	{name: "repository policy on aws:SourceIp through an endpoint", patch: `[{"op":"add","path":"/repositories/0/policy","value":{"Statement":[
		{"Sid":"OfficeOnly","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}}]`,
		do: "pull", service: "ecr.dkr", step: "manifest", outcome: "denied", status: 403, err: "with an explicit deny in a resource-based policy", sid: "OfficeOnly"},
	{name: "IPv4-only aws:SourceIp and an IPv6 client over an internet gateway", patch: `[{"op":"remove","path":"/endpoints/1"},
		{"op":"add","path":"/vpc/internet","value":"igw"},{"op":"add","path":"/client/ipv6","value":"2600:1f18:1234:5601::25"},
		{"op":"add","path":"/repositories/0/policy","value":{"Statement":[
		{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}}]`,
		do: "pull", ref: "111122223333.dkr-ecr.us-east-1.on.aws/app:1",
		service: "ecr.dkr", step: "manifest", outcome: "denied", status: 403, err: "with an explicit deny in a resource-based policy",
		fixedRef: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1"},
	{name: "NAT path and a repository policy requiring aws:SourceVpce", patch: `[{"op":"remove","path":"/endpoints/1"},
		{"op":"add","path":"/vpc/internet","value":"nat"},
		{"op":"add","path":"/repositories/0/policy","value":{"Statement":[
		{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0dkr"}}}]}}]`,
		do: "pull", service: "ecr.dkr", step: "manifest", outcome: "denied", status: 403, err: "with an explicit deny in a resource-based policy"},
	{name: "GetAuthorizationToken restricted by aws:SourceVpce on Fargate", patch: `[
		{"op":"replace","path":"/client/kind","value":"fargate"},
		{"op":"add","path":"/identities","value":[{"accessKeyId":"AKIAECRLINKTEST","secretAccessKey":"secret",
		 "principal":"arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/task","policies":[{"Version":"2012-10-17","Statement":[
		 {"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0api"}}}]}]}]}]`,
		do: "auth", service: "ecr.api", step: "auth", outcome: "denied", status: 400,
		err: "AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/task is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action"},
	{name: "cross-account with a repository policy", do: "pull", ref: "444455556666.dkr.ecr.us-east-1.amazonaws.com/shared:1"},
	{name: "cross-account without a repository policy", do: "pull", ref: "444455556666.dkr.ecr.us-east-1.amazonaws.com/shared:1",
		patch:   `[{"op":"remove","path":"/registries/1/repositories/0/policy"}]`,
		service: "ecr.dkr", step: "manifest", outcome: "denied", status: 403, err: "because no resource-based policy allows the ecr:BatchGetImage action"},
	{name: "missing repository", do: "pull", ref: "111122223333.dkr.ecr.us-east-1.amazonaws.com/missing:1",
		service: "ecr.dkr", step: "manifest", outcome: "error", status: 404, err: "name unknown: The repository with name 'missing' does not exist in the registry with id '111122223333'"},
	{name: "throttled auth", patch: `[{"op":"add","path":"/faults","value":[{"match":{"action":"ecr:GetAuthorizationToken"},"effect":"throttle"}]}]`,
		do: "auth", service: "ecr.api", step: "auth", outcome: "fault", status: 400, err: "ThrottlingException: Rate exceeded"},
	{name: "reset layer download", patch: `[{"op":"add","path":"/faults","value":[{"match":{"service":"s3"},"effect":"reset"}]}]`,
		do: "pull", service: "s3", step: "layer", outcome: "fault", status: 200, err: "read: connection reset by peer"},
	{name: "500 on the manifest", patch: `[{"op":"add","path":"/faults","value":[{"match":{"service":"ecr.dkr","action":"ecr:BatchGetImage"},"effect":"http-500"}]}]`,
		do: "pull", service: "ecr.dkr", step: "manifest", outcome: "fault", status: 500, err: "UNKNOWN"},
	{name: "immutable tag overwritten", do: "push-locked",
		service: "ecr.dkr", step: "manifest", outcome: "error", status: 400, err: "tag invalid: The image tag '1' already exists in the 'locked' repository and cannot be overwritten because the repository is immutable."},
}

func TestCatalogueLive(t *testing.T) {
	t.Parallel()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The images are pushed with a way out of the VPC, as their
			// owners elsewhere would; then the VPC is the healthy one.
			seeding := strings.Replace(healthyVPC, `"cidr": "10.0.0.0/16",`, `"cidr": "10.0.0.0/16", "internet": "nat",`, 1)
			inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, seeding)})
			seed(t, inst)
			if code, body := control(t, inst, http.MethodPut, "/_ecrlink/scenario", "application/json", healthyVPC); code != 200 {
				t.Fatalf("PUT the healthy VPC: %d %s", code, body)
			}
			if tc.patch != "" {
				if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", tc.patch); code != 200 {
					t.Fatalf("breaking patch: %d %s", code, body)
				}
			}
			before := inst.Journal().Last()
			err := tc.run(t, inst, tc.ref)
			failed := lastFailure(settled(inst, before, tc))
			if tc.step == "" {
				if err != nil || failed != nil {
					t.Fatalf("%s: %v; journal: %+v", tc.do, err, failed)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s succeeded; want it to fail at %s", tc.do, tc.step)
			}
			if failed == nil || failed.Service != tc.service || failed.Step != tc.step || failed.Outcome != tc.outcome ||
				failed.Status != tc.status || !strings.Contains(failed.Error, tc.err) {
				t.Fatalf("failing hop %+v\nwant %s %s %s %d %q (client: %v)", failed, tc.service, tc.step, tc.outcome, tc.status, tc.err, err)
			}
			if failed.Route.Reason == "" {
				t.Errorf("the route has no reason: %+v", failed.Route)
			}
			if tc.sid != "" && !slices.ContainsFunc(failed.Policies, func(p journal.Policy) bool {
				return p.Sid == tc.sid && p.Decision == "ExplicitlyDenied"
			}) {
				t.Errorf("the record's policies %+v do not name %s as deciding", failed.Policies, tc.sid)
			}
			if strings.Contains(tc.ref, "/missing:") || tc.do == "push-locked" {
				return // the image or tag is the client's to fix, not the VPC
			}
			// The fix, through the control API.
			if code, body := control(t, inst, http.MethodPut, "/_ecrlink/scenario", "application/json", healthyVPC); code != 200 {
				t.Fatalf("PUT the healthy VPC: %d %s", code, body)
			}
			if tc.fix != "" {
				if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", tc.fix); code != 200 {
					t.Fatalf("fix: %d %s", code, body)
				}
			}
			ref := tc.ref
			if tc.fixedRef != "" {
				ref = tc.fixedRef
			}
			if err := tc.run(t, inst, ref); err != nil {
				t.Fatalf("after the fix: %v", err)
			}
		})
	}
}

// seed pushes app:1 and locked:1 in the healthy VPC, and the same image
// to the other registries, as their owners would.
func seed(t *testing.T, inst *ecrlinktest.Instance) {
	t.Helper()
	img, _ := random.Image(512, 2)
	for _, ref := range []string{"app:1", "locked:1"} {
		if err := remote.Write(inst.Ref(ref), img, inst.Remote()...); err != nil {
			t.Fatal(err)
		}
	}
	if err := remote.Write(caseRef(t, inst, "111122223333.dkr.ecr.us-west-2.amazonaws.com/app:1"), img, remoteFor(t, inst, "us-west-2")...); err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(caseRef(t, inst, "444455556666.dkr.ecr.us-east-1.amazonaws.com/shared:1"), img, remoteFor(t, inst, "us-east-1")...); err != nil {
		t.Fatal(err)
	}
}

// caseRef is ref (an AWS name, or a repository on the instance) with the
// instance's port.
func caseRef(t *testing.T, inst *ecrlinktest.Instance, ref string) name.Reference {
	t.Helper()
	if !strings.Contains(ref, ".") {
		return inst.Ref(ref)
	}
	_, port, _ := strings.Cut(inst.Host(), ":")
	host, path, _ := strings.Cut(ref, "/")
	r, err := name.ParseReference(host+":"+port+"/"+path, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// remoteFor is go-containerregistry's options with a token from region's
// API, through the instance's client.
func remoteFor(t *testing.T, inst *ecrlinktest.Instance, region string) []remote.Option {
	return []remote.Option{remote.WithAuth(loginWith(t, apiOf(inst, region))), remote.WithTransport(inst.HTTPClient().Transport)}
}

// apiOf is an ECR client of region's API name on the instance.
func apiOf(inst *ecrlinktest.Instance, region string) *ecr.Client {
	_, port, _ := strings.Cut(inst.Host(), ":")
	return ecr.New(ecr.Options{Region: region, BaseEndpoint: aws.String("http://api.ecr." + region + ".amazonaws.com:" + port),
		HTTPClient: inst.HTTPClient(), RetryMaxAttempts: 1, Credentials: credentials.NewStaticCredentialsProvider("AKIAECRLINKTEST", "secret", "")})
}

// regionIn is the region a registry name in ref carries, if any.
func regionIn(ref string) string {
	host, _, _ := strings.Cut(ref, "/")
	for _, label := range strings.Split(host, ".") {
		if parts := strings.Split(label, "-"); len(parts) == 3 && len(parts[0]) == 2 && len(parts[2]) == 1 {
			return label
		}
	}
	return ""
}

// run does the case's action on ref (empty: app:1 on the instance), as
// a client would: log in through the API, then talk to the registry.
func (tc liveCase) run(t *testing.T, inst *ecrlinktest.Instance, ref string) error {
	if ref == "" {
		ref = "app:1"
	}
	switch tc.do {
	case "auth":
		_, err := inst.ECR().GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{})
		return err
	case "push":
		other, _ := random.Image(256, 1)
		return remote.Write(inst.Ref("app:2"), other, inst.Remote()...)
	case "logs":
		return putLogs(inst)
	case "push-locked":
		other, _ := random.Image(256, 1)
		return remote.Write(inst.Ref("locked:1"), other, inst.Remote()...)
	}
	api := inst.ECR()
	if region := regionIn(ref); region != "" && region != inst.Region() {
		api = apiOf(inst, region)
	}
	tok, err := api.GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return err
	}
	auth := tokenAuth(t, aws.ToString(tok.AuthorizationData[0].AuthorizationToken))
	return pull(caseRef(t, inst, ref), []remote.Option{remote.WithAuth(auth), remote.WithTransport(inst.HTTPClient().Transport)})
}

// putLogs does what the awslogs driver does at a task's start: create the
// stream (and its group) and send an event.
func putLogs(inst *ecrlinktest.Instance) error {
	c := cloudwatchlogs.New(cloudwatchlogs.Options{Region: inst.Region(), BaseEndpoint: aws.String(inst.URL()), HTTPClient: inst.HTTPClient(),
		RetryMaxAttempts: 1, Credentials: credentials.NewStaticCredentialsProvider("AKIAECRLINKTEST", "secret", "")})
	ctx := context.Background()
	group, stream := aws.String("/ecs/app"), aws.String("ecs/app/task-1")
	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: group}); err != nil {
		var exists *cwtypes.ResourceAlreadyExistsException
		if !errors.As(err, &exists) {
			return err
		}
	}
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: group, LogStreamName: stream}); err != nil {
		var exists *cwtypes.ResourceAlreadyExistsException
		if !errors.As(err, &exists) {
			return err
		}
	}
	_, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: stream,
		LogEvents: []cwtypes.InputLogEvent{{Message: aws.String("started"), Timestamp: aws.Int64(time.Now().UnixMilli())}}})
	return err
}

// pull reads an image whole, layers included.
func pull(ref name.Reference, opts []remote.Option) error {
	got, err := remote.Image(ref, opts...)
	if err != nil {
		return err
	}
	if _, err := got.ConfigFile(); err != nil {
		return err
	}
	layers, err := got.Layers()
	if err != nil {
		return err
	}
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// settled is the journal after before, once it holds the failing hop tc
// expects (or after two seconds): a client that met a reset may read the
// journal before the handler that reset it has returned and recorded it.
func settled(inst *ecrlinktest.Instance, before uint64, tc liveCase) []journal.Record {
	deadline := time.Now().Add(2 * time.Second)
	for {
		recs := inst.Journal().Since(before, 0)
		f := lastFailure(recs)
		if tc.step == "" || (f != nil && f.Service == tc.service && f.Step == tc.step) || time.Now().After(deadline) {
			return recs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lastFailure is the last record that did not succeed, the hop the client
// gave up at; a HEAD's 404 is a client's probe, not a failure.
func lastFailure(recs []journal.Record) *journal.Record {
	for i := len(recs) - 1; i >= 0; i-- {
		r := &recs[i]
		if r.Outcome != journal.OutcomeAllowed && !(r.Method == http.MethodHead && r.Status == http.StatusNotFound) {
			return r
		}
	}
	return nil
}
