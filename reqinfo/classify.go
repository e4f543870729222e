package reqinfo

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/ecrlink/ecrlink/awsname"
)

// New computes the Info of r: the host parsed once and the request
// classified by it. Caller and Observer are the emulator's to set.
func New(r *http.Request) *Info {
	info := &Info{Host: awsname.ParseHost(r.Host), RawHost: r.Host, Scheme: "http"}
	if r.TLS != nil {
		info.Scheme = "https"
	}
	info.Class = Classify(info.Host, r)
	return info
}

// Step is where in a pull or push a request belongs, as the journal and
// `ecrlink explain` name it (DESIGN.md "The journal record").
type Step string

const (
	StepAuth     Step = "auth"     // GetAuthorizationToken, and the registry's ping (docker login)
	StepAPI      Step = "api"      // any other ECR API call
	StepManifest Step = "manifest" // manifests, tags and referrers on the registry
	StepBlob     Step = "blob"     // the registry's blob GET (and HEAD, DELETE)
	StepLayer    Step = "layer"    // the starport bucket's S3 GET
	StepUpload   Step = "upload"   // blob uploads
	StepLogs     Step = "logs"     // CloudWatch Logs
)

// The PrivateLink services a request can be for (com.amazonaws.REGION.X).
const (
	ServiceDkr  = "ecr.dkr"
	ServiceAPI  = "ecr.api"
	ServiceS3   = "s3"
	ServiceLogs = "logs"
)

// Class is what one request asks. The zero Class is a request nothing in
// ecrlink serves.
type Class struct {
	// Service is ServiceDkr, ServiceAPI, ServiceS3 or ServiceLogs; empty
	// when nothing is served at the request's host and path.
	Service string
	Step    Step
	// Action is the IAM action AWS checks (ECR-FACTS §4, §2.1; s3:GetObject
	// for a layer); empty for the registry's ping, which needs only a token.
	Action string
	// Operation is the ECR API operation, for ServiceAPI.
	Operation string
	// Target says which input members name the API call's resource.
	Target Target
	// Route is the registry request, for ServiceDkr.
	Route RegistryRoute
	// Bucket is the starport bucket's region, for ServiceS3.
	BucketRegion string
}

// Classify says what r asks, given its parsed host. AWS names decide the
// service by themselves; any other name is direct mode, where the path
// decides: /v2/ is the registry, POST / with X-Amz-Target the API, and
// /prod-REGION-starport-layer-bucket/ the layer bucket, path-style.
func Classify(h awsname.Host, r *http.Request) Class {
	switch h.Kind {
	case awsname.RegistryHost:
		return registryClass(r)
	case awsname.APIHost:
		return ClassifyAPI(r.Header.Get("X-Amz-Target"))
	case awsname.StarportHost:
		return Class{Service: ServiceS3, Step: StepLayer, Action: "s3:GetObject", BucketRegion: h.Region}
	case awsname.LogsHost:
		return ClassifyLogs(r.Header.Get("X-Amz-Target"))
	}
	p := r.URL.Path
	switch {
	case p == "/v2" || strings.HasPrefix(p, "/v2/"):
		return registryClass(r)
	case p == "/" && r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("X-Amz-Target"), LogsTargetPrefix):
		return ClassifyLogs(r.Header.Get("X-Amz-Target"))
	case p == "/" && r.Method == http.MethodPost && len(r.Header.Values("X-Amz-Target")) > 0:
		return ClassifyAPI(r.Header.Get("X-Amz-Target"))
	}
	if region, ok := pathBucket(p); ok {
		return Class{Service: ServiceS3, Step: StepLayer, Action: "s3:GetObject", BucketRegion: region}
	}
	return Class{}
}

// LogsTargetPrefix starts the X-Amz-Target of CloudWatch Logs calls.
const LogsTargetPrefix = "Logs_20140328."

// ClassifyLogs classifies a CloudWatch Logs call by its X-Amz-Target: the
// logs step, and the action logs:OPERATION when it names one.
func ClassifyLogs(xAmzTarget string) Class {
	c := Class{Service: ServiceLogs, Step: StepLogs}
	if op, ok := strings.CutPrefix(xAmzTarget, LogsTargetPrefix); ok && op != "" {
		c.Operation, c.Action = op, "logs:"+op
	}
	return c
}

func registryClass(r *http.Request) Class {
	rt, _ := ClassifyRegistry(r.Method, r.URL.Path)
	return Class{Service: ServiceDkr, Step: rt.step(), Action: rt.Action, Route: rt}
}

// pathBucket returns the region of a path-style starport URL's bucket.
func pathBucket(p string) (region string, ok bool) {
	rest, ok := strings.CutPrefix(p, "/prod-")
	if !ok {
		return "", false
	}
	region, _, ok = strings.Cut(rest, "-starport-layer-bucket/")
	return region, ok && awsname.ValidRegion(region)
}

// RouteKind is the kind of a Docker Registry API request.
type RouteKind string

const (
	RouteNone      RouteKind = ""          // not a registry path
	RouteBase      RouteKind = "base"      // GET /v2/
	RouteCatalog   RouteKind = "catalog"   // /v2/_catalog
	RouteManifest  RouteKind = "manifest"  // /v2/NAME/manifests/REF
	RouteBlob      RouteKind = "blob"      // /v2/NAME/blobs/DIGEST
	RouteUpload    RouteKind = "upload"    // /v2/NAME/blobs/uploads/[ID]
	RouteTags      RouteKind = "tags"      // /v2/NAME/tags/list
	RouteReferrers RouteKind = "referrers" // /v2/NAME/referrers/DIGEST
)

// RegistryRoute is one parsed Docker Registry API request.
type RegistryRoute struct {
	Kind RouteKind
	Name string // repository
	Ref  string // tag, digest or upload id
	// Action is the IAM action ECR checks (ECR-FACTS §4); empty: a valid
	// token is all it takes.
	Action string
}

// registryPath splits a registry path; the greedy name takes everything up
// to the last resource marker, as distribution's router does.
var registryPath = regexp.MustCompile(`^/v2/(.+)/(manifests/[^/]+|blobs/uploads/[^/]*|blobs/[^/]+|tags/list|referrers/[^/]+)$`)

// ClassifyRegistry parses a registry request's method and path; ok is
// false for a path the registry does not serve.
func ClassifyRegistry(method, path string) (rt RegistryRoute, ok bool) {
	switch path {
	case "/v2", "/v2/":
		return RegistryRoute{Kind: RouteBase}, true
	case "/v2/_catalog":
		return RegistryRoute{Kind: RouteCatalog}, true
	}
	m := registryPath.FindStringSubmatch(path)
	if m == nil {
		return RegistryRoute{}, false
	}
	rt.Name = m[1]
	res, ref, _ := strings.Cut(m[2], "/")
	switch {
	case res == "manifests":
		rt.Kind, rt.Ref = RouteManifest, ref
	case strings.HasPrefix(m[2], "blobs/uploads/"):
		rt.Kind, rt.Ref = RouteUpload, strings.TrimPrefix(m[2], "blobs/uploads/")
	case res == "blobs":
		rt.Kind, rt.Ref = RouteBlob, ref
	case res == "tags":
		rt.Kind = RouteTags
	case res == "referrers":
		rt.Kind, rt.Ref = RouteReferrers, ref
	}
	rt.Action = registryAction(rt.Kind, method)
	return rt, true
}

// registryAction maps a registry request to the ECR action checked for it
// (ECR-FACTS §4).
func registryAction(kind RouteKind, method string) string {
	switch kind {
	case RouteManifest:
		switch method {
		case http.MethodPut:
			return "ecr:PutImage"
		case http.MethodDelete:
			return "ecr:BatchDeleteImage"
		}
		return "ecr:BatchGetImage"
	case RouteBlob:
		switch method {
		case http.MethodHead:
			return "ecr:BatchCheckLayerAvailability"
		case http.MethodDelete:
			// No ECR action names a layer delete; deleting repository
			// content is BatchDeleteImage's (an inference, ECR-FACTS §4).
			return "ecr:BatchDeleteImage"
		}
		return "ecr:GetDownloadUrlForLayer"
	case RouteUpload:
		switch method {
		case http.MethodPost:
			return "ecr:InitiateLayerUpload"
		case http.MethodPut:
			return "ecr:CompleteLayerUpload"
		}
		return "ecr:UploadLayerPart"
	case RouteTags:
		return "ecr:ListImages"
	case RouteReferrers:
		return "ecr:BatchGetImage"
	}
	return ""
}

func (rt RegistryRoute) step() Step {
	switch rt.Kind {
	case RouteBlob:
		return StepBlob
	case RouteUpload:
		return StepUpload
	case RouteManifest, RouteTags, RouteReferrers:
		return StepManifest
	case RouteBase, RouteCatalog:
		return StepAuth
	}
	return ""
}
