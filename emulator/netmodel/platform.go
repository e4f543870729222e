package netmodel

import (
	"strings"

	"github.com/ecrlink/ecrlink/reqinfo"
)

// PlatformText is what a client kind prints when a walk fails: the
// catalogue ID of ECR-FACTS §7 it follows and whether the text is
// inferred from a neighbour rather than captured ([I] in the table).
type PlatformText struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Inferred bool   `json:"inferred"`
}

// platformForm is a template: {host} the failing hop's name, {dial} the
// journal's Go client error, {msg} AWS's AccessDenied message, {image} the
// image, {repo} host/repository, {ref} the tag or digest, {path} the
// repository.
type platformForm struct {
	id       string
	inferred bool
	text     string
}

// Client classes the table is keyed by: Fargate fetches auth and pulls
// with containerd from 1.4.0, with docker before (ECR-FACTS §7 A4);
// ECS on EC2 pulls with docker through the ECS agent; EKS with
// containerd and the ECR credential provider; docker is the docker CLI
// with the AWS CLI's get-login-password.
const (
	classFargate   = "fargate"
	classFargate13 = "fargate-1.3"
	classECSEC2    = "ecs-ec2"
	classEKS       = "eks"
	classDocker    = "docker"
)

const (
	a2Prefix = "ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: " +
		"There is a connection issue between the task and Amazon ECR. Check your task network configuration. "
	a1Prefix      = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): "
	b4Permissions = "CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images from the registry. "
	helperPrefix  = "ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, "
	eksPull       = `Failed to pull image "{image}": rpc error: code = Unknown desc = failed to pull and unpack image "{image}": `
	d2Body        = `error parsing HTTP 403 response body: invalid character '<' looking for beginning of value: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>…"`
	b5Timeout     = `Error response from daemon: Get "https://{host}/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`
	f6Denied      = `Error response from daemon: pull access denied for {repo}, repository does not exist or may require 'docker login': denied: {msg}`
	dockerLogs    = `failed to initialize logging driver: failed to create Cloudwatch log stream: `
)

// platformForms is the table: (client class, failure) → form. A failure is
// the hop ("auth", "registry", "manifest", "blob", "push", "layer", "logs")
// and what happened ("timeout", "nxdomain", "denied"); "net" stands for
// both network failures when {dial} tells them apart.
var platformForms = map[[2]string]platformForm{
	{classFargate, "auth-net"}:        {"A2", false, a2Prefix + `RequestError: send request failed caused by: Post "https://{host}/": {dial}`},
	{classFargate, "auth-denied"}:     {"A1", true, a1Prefix + "AccessDeniedException: {msg}"}, // [I] A1's prefix, the API's denial
	{classFargate, "registry-net"}:    {"B2", false, `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "{image}": failed to do request: Head "https://{host}/v2/{path}/manifests/{ref}": {dial}`},
	{classFargate, "manifest-denied"}: {"B4", false, b4Permissions + "denied: {msg}"},
	{classFargate, "blob-denied"}:     {"F8", false, "CannotPullContainerError: error pulling image configuration: download failed after attempts=1: denied: {msg}"},
	{classFargate, "layer-net"}:       {"C2", true, `CannotPullContainerError: failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://{host}/…": {dial}`}, // [I] containerd shape
	{classFargate, "layer-denied"}:    {"D1", false, "CannotPullContainerError: failed to copy: httpReadSeeker: failed open: unexpected status code 403 Forbidden"},
	{classFargate, "logs-net"}:        {"H2", false, "ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. Check your network configuration. : signal: killed"},
	{classFargate, "logs-denied"}:     {"H3", false, "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: {msg}"},

	{classFargate13, "auth-denied"}:       {"A1", true, "CannotPullContainerError: AccessDeniedException: {msg}"}, // [I] no capture for PV 1.3
	{classFargate13, "registry-timeout"}:  {"B1", false, "CannotPullContainerError: API error (500): Get https://{host}/v2/: net/http: request canceled while waiting for connection"},
	{classFargate13, "registry-nxdomain"}: {"B6", true, `CannotPullContainerError: Error response from daemon: Get "https://{host}/v2/": {dial}`}, // [I] B6 under the task prefix
	{classFargate13, "manifest-denied"}:   {"B4", false, b4Permissions + f6Denied},
	{classFargate13, "blob-denied"}:       {"F8", false, "CannotPullContainerError: error pulling image configuration: download failed after attempts=1: denied: {msg}"},
	{classFargate13, "layer-net"}:         {"C2", false, "CannotPullContainerError: error pulling image configuration: Get https://{host}/…: {dial}"},
	{classFargate13, "layer-denied"}:      {"D2", false, "CannotPullContainerError: error pulling image configuration: " + d2Body},
	{classFargate13, "logs-net"}:          {"H4", true, "CannotStartContainerError: Error response from daemon: " + dockerLogs + `RequestError: send request failed caused by: Post "https://{host}/": {dial}`}, // [I] I3's shape
	{classFargate13, "logs-denied"}:       {"H3", true, "CannotStartContainerError: Error response from daemon: " + dockerLogs + "AccessDeniedException: {msg}"},                                                // [I] I3's shape

	{classECSEC2, "auth-net"}:          {"A3", true, `CannotPullECRContainerError: RequestError: send request failed caused by: Post "https://{host}/": {dial}`}, // [I] the agent's own call
	{classECSEC2, "auth-denied"}:       {"F5", true, "CannotPullECRContainerError: AccessDeniedException: {msg}"},                                                // [I]
	{classECSEC2, "registry-timeout"}:  {"B1", false, "CannotPullContainerError: API error (500): Get https://{host}/v2/: net/http: request canceled while waiting for connection"},
	{classECSEC2, "registry-nxdomain"}: {"B6", true, `CannotPullContainerError: Error response from daemon: Get "https://{host}/v2/": {dial}`}, // [I]
	{classECSEC2, "manifest-denied"}:   {"B4", false, b4Permissions + f6Denied},
	{classECSEC2, "blob-denied"}:       {"F8", false, "CannotPullContainerError: error pulling image configuration: download failed after attempts=1: denied: {msg}"},
	{classECSEC2, "layer-net"}:         {"C2", false, "CannotPullContainerError: error pulling image configuration: Get https://{host}/…: {dial}"},
	{classECSEC2, "layer-denied"}:      {"D2", false, "CannotPullContainerError: error pulling image configuration: " + d2Body},
	{classECSEC2, "logs-net"}:          {"H4", true, "CannotStartContainerError: Error response from daemon: " + dockerLogs + `RequestError: send request failed caused by: Post "https://{host}/": {dial}`}, // [I]
	{classECSEC2, "logs-denied"}:       {"H3", true, "CannotStartContainerError: Error response from daemon: " + dockerLogs + "AccessDeniedException: {msg}"},                                                // [I]

	{classEKS, "auth-net"}:        {"A3", false, helperPrefix + `exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post "https://{host}/": {dial}`},
	{classEKS, "auth-denied"}:     {"F5", true, helperPrefix + "https response error StatusCode: 400, RequestID: , api error AccessDeniedException: {msg}"},                                        // [I]
	{classEKS, "registry-net"}:    {"B2", true, eksPull + `failed to resolve reference "{image}": failed to do request: Head "https://{host}/v2/{path}/manifests/{ref}": {dial}`},                  // [I] B2 under kubelet's prefix
	{classEKS, "manifest-denied"}: {"B4", true, eksPull + `failed to resolve reference "{image}": unexpected status from HEAD request to https://{host}/v2/{path}/manifests/{ref}: 403 Forbidden`}, // [I]
	{classEKS, "blob-denied"}:     {"F8", true, eksPull + "failed to copy: httpReadSeeker: failed open: unexpected status code https://{host}/v2/{path}/blobs/sha256:…: 403 Forbidden"},            // [I]
	{classEKS, "layer-net"}:       {"C1", false, `Failed to pull image "{image}": rpc error: code = Unknown desc = error pulling image configuration: Get https://{host}/…: {dial}`},
	{classEKS, "layer-denied"}:    {"D4", true, eksPull + "failed to copy: httpReadSeeker: failed open: unexpected status code 403 Forbidden"},                         // [I] D1's words, D4's situation
	{classEKS, "logs-net"}:        {"H4", true, `failed to create Cloudwatch log stream: RequestError: send request failed caused by: Post "https://{host}/": {dial}`}, // [I]
	{classEKS, "logs-denied"}:     {"H3", true, "failed to create Cloudwatch log stream: AccessDeniedException: {msg}"},                                                // [I]

	{classDocker, "auth-timeout"}:      {"A5", false, `Connection was closed before we received a valid response from endpoint URL: "https://{host}/".`},
	{classDocker, "auth-nxdomain"}:     {"A5", true, `Could not connect to the endpoint URL: "https://{host}/"`}, // [I] botocore's EndpointConnectionError
	{classDocker, "auth-denied"}:       {"F5", false, "An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation: {msg}"},
	{classDocker, "registry-timeout"}:  {"B5", false, b5Timeout},
	{classDocker, "registry-nxdomain"}: {"B6", false, `Error response from daemon: Get "https://{host}/v2/": {dial}`},
	{classDocker, "manifest-denied"}:   {"F6", false, f6Denied},
	{classDocker, "blob-denied"}:       {"F8", false, "error pulling image configuration: download failed after attempts=1: denied: {msg}"},
	{classDocker, "push-denied"}:       {"E1", false, "denied: {msg}"},
	{classDocker, "layer-net"}:         {"C2", true, "error pulling image configuration: Get https://{host}/…: {dial}"}, // [I] C2 without the task prefix
	{classDocker, "layer-denied"}:      {"D2", false, "error pulling image configuration: " + d2Body},
	{classDocker, "logs-net"}:          {"H4", true, "docker: Error response from daemon: " + dockerLogs + `RequestError: send request failed caused by: Post "https://{host}/": {dial}`}, // [I]
	{classDocker, "logs-denied"}:       {"H3", true, "docker: Error response from daemon: " + dockerLogs + "AccessDeniedException: {msg}"},                                                // [I]
}

// Platform is the text the walk's client kind prints for its failure;
// the zero PlatformText when the walk passed.
func (t *Trace) Platform() PlatformText {
	h := t.FailedHop()
	if h == nil {
		return PlatformText{}
	}
	class := clientClass(t.Client.Kind, t.Client.PlatformVersion)
	hop, what := failureOf(h, t.Push)
	if t.Push && hop != "auth" {
		class = classDocker // tasks do not push; a push is the docker CLI's
	}
	form, ok := lookupForm(class, hop, what)
	if !ok {
		form, _ = lookupForm(classDocker, hop, what)
	}
	msg := strings.TrimPrefix(strings.TrimPrefix(h.Error, "denied: "), "AccessDeniedException: ")
	reg := t.Image.Host
	r := strings.NewReplacer("{host}", h.Host.String(), "{dial}", h.Decision.Error, "{msg}", msg, "{image}", t.Image.String(),
		"{repo}", reg.String()+"/"+t.Image.Repository, "{path}", t.Image.Repository, "{ref}", t.Image.Reference())
	return PlatformText{ID: form.id, Text: r.Replace(form.text), Inferred: form.inferred}
}

func lookupForm(class, hop, what string) (platformForm, bool) {
	if f, ok := platformForms[[2]string{class, hop + "-" + what}]; ok {
		return f, true
	}
	if what != "denied" {
		f, ok := platformForms[[2]string{class, hop + "-net"}]
		return f, ok
	}
	if hop == "push" {
		return platformForms[[2]string{classDocker, "push-denied"}], true
	}
	return platformForm{}, false
}

// clientClass is the table's class of a client kind.
func clientClass(kind, pv string) string {
	switch kind {
	case "fargate":
		if fargateAuthOwnNetwork(pv) {
			return classFargate13
		}
		return classFargate
	case "ecs-ec2", "eks":
		return kind
	}
	return classDocker
}

// failureOf names a failing hop for the table.
func failureOf(h *HopTrace, push bool) (hop, what string) {
	switch h.Outcome {
	case OutcomeHeld:
		what = "timeout"
	case OutcomeNXDomain:
		what = "nxdomain"
	default:
		what = "denied"
	}
	switch {
	case h.Host.Service() == reqinfo.ServiceAPI:
		return "auth", what
	case h.Step == reqinfo.StepLayer:
		return "layer", what
	case h.Step == reqinfo.StepLogs:
		return "logs", what
	case what != "denied":
		return "registry", what
	case push:
		return "push", what
	case h.Step == reqinfo.StepBlob:
		return "blob", what
	}
	return "manifest", what
}
