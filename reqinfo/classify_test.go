package reqinfo

import (
	"net/http"
	"net/http/httptest"

	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/awsname"
)

const dgst = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// TestRegistryClassificationMatchesECRFacts holds ClassifyRegistry to the
// table of ECR-FACTS §4, row by row, plus the routes ecrlink serves that the
// table does not list (referrers, blob DELETE, the catalog).
func TestRegistryClassificationMatchesECRFacts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path string
		kind         RouteKind
		name, ref    string
		action       string
		step         Step
	}{
		{"GET", "/v2/", RouteBase, "", "", "", StepAuth},
		{"GET", "/v2", RouteBase, "", "", "", StepAuth},
		{"HEAD", "/v2/app/manifests/latest", RouteManifest, "app", "latest", "ecr:BatchGetImage", StepManifest},
		{"GET", "/v2/team/app/manifests/" + dgst, RouteManifest, "team/app", dgst, "ecr:BatchGetImage", StepManifest},
		{"GET", "/v2/app/blobs/" + dgst, RouteBlob, "app", dgst, "ecr:GetDownloadUrlForLayer", StepBlob},
		{"HEAD", "/v2/app/blobs/" + dgst, RouteBlob, "app", dgst, "ecr:BatchCheckLayerAvailability", StepBlob},
		{"POST", "/v2/app/blobs/uploads/", RouteUpload, "app", "", "ecr:InitiateLayerUpload", StepUpload},
		{"PATCH", "/v2/app/blobs/uploads/abc", RouteUpload, "app", "abc", "ecr:UploadLayerPart", StepUpload},
		{"PUT", "/v2/app/blobs/uploads/abc", RouteUpload, "app", "abc", "ecr:CompleteLayerUpload", StepUpload},
		{"PUT", "/v2/app/manifests/1.0", RouteManifest, "app", "1.0", "ecr:PutImage", StepManifest},
		{"DELETE", "/v2/app/manifests/" + dgst, RouteManifest, "app", dgst, "ecr:BatchDeleteImage", StepManifest},
		{"GET", "/v2/app/tags/list", RouteTags, "app", "", "ecr:ListImages", StepManifest},
		// Not in the table: inferences, as the README says.
		{"GET", "/v2/app/referrers/" + dgst, RouteReferrers, "app", dgst, "ecr:BatchGetImage", StepManifest},
		{"DELETE", "/v2/app/blobs/" + dgst, RouteBlob, "app", dgst, "ecr:BatchDeleteImage", StepBlob},
		{"GET", "/v2/_catalog", RouteCatalog, "", "", "", StepAuth},
		// The greedy name: the last marker decides.
		{"GET", "/v2/a/manifests/b/manifests/c", RouteManifest, "a/manifests/b", "c", "ecr:BatchGetImage", StepManifest},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			rt, ok := ClassifyRegistry(tt.method, tt.path)
			want := RegistryRoute{Kind: tt.kind, Name: tt.name, Ref: tt.ref, Action: tt.action}
			if !ok || rt != want {
				t.Fatalf("ClassifyRegistry = %+v %v, want %+v", rt, ok, want)
			}
			r := httptest.NewRequest(tt.method, "http://111122223333.dkr.ecr.us-east-1.amazonaws.com"+tt.path, nil)
			c := New(r).Class
			if c.Service != ServiceDkr || c.Step != tt.step || c.Action != tt.action || c.Route != want {
				t.Fatalf("Class = %+v", c)
			}
		})
	}
	for _, p := range []string{"/v2/app", "/v2/app/blobs", "/v2//manifests/x", "/", "/v3/app/manifests/x"} {
		if rt, ok := ClassifyRegistry("GET", p); ok {
			t.Errorf("ClassifyRegistry(%q) = %+v, want not a registry path", p, rt)
		}
	}
}

// TestAPIClassificationCoversEveryOperation: each of ECR's 58 operations
// (ECR-FACTS §2.1) is checked as ecr:<name>, GetAuthorizationToken is the
// auth step, and the resource members follow ECR's input shapes.
func TestAPIClassificationCoversEveryOperation(t *testing.T) {
	t.Parallel()
	if n := len(Operations()); n != 58 {
		t.Fatalf("%d operations, ECR has 58", n)
	}
	for _, op := range Operations() {
		c := ClassifyAPI(TargetPrefix + op)
		if c.Service != ServiceAPI || c.Operation != op || c.Action != "ecr:"+op {
			t.Errorf("%s: %+v", op, c)
		}
		if want := StepAPI; op != "GetAuthorizationToken" && c.Step != want {
			t.Errorf("%s: step %q", op, c.Step)
		}
	}
	if c := ClassifyAPI(TargetPrefix + "GetAuthorizationToken"); c.Step != StepAuth || c.Target != TargetAccount {
		t.Errorf("GetAuthorizationToken: %+v", c)
	}
	targets := map[Target][]string{
		TargetARN:        {"TagResource", "UntagResource", "ListTagsForResource"},
		TargetRegistry:   {"DescribeRepositories"},
		TargetRepository: {"BatchGetImage", "PutImage", "CreateRepository", "DeleteRepository", "SetRepositoryPolicy", "GetLifecyclePolicyPreview"},
		TargetAccount:    {"DescribeRegistry", "PutRegistryPolicy", "GetAccountSetting", "PutAccountSetting"},
	}
	for want, ops := range targets {
		for _, op := range ops {
			if c := ClassifyAPI(TargetPrefix + op); c.Target != want {
				t.Errorf("%s: target %v, want %v", op, c.Target, want)
			}
		}
	}
	for _, bad := range []string{"", "GetAuthorizationToken", TargetPrefix, TargetPrefix + "NoSuchOperation", "AmazonEC2ContainerRegistry_V20150921.getauthorizationtoken"} {
		if c := ClassifyAPI(bad); c.Service != ServiceAPI || c.Action != "" || c.Operation != "" {
			t.Errorf("ClassifyAPI(%q) = %+v", bad, c)
		}
	}
}

// TestClassifyByHost: AWS names decide the service whatever the path;
// direct mode decides by the path.
func TestClassifyByHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, url string
		target      string
		service     string
		step        Step
	}{
		{"GET", "http://111122223333.dkr.ecr.us-east-1.amazonaws.com/anything", "", ServiceDkr, ""},
		{"POST", "https://api.ecr.us-east-1.amazonaws.com/", TargetPrefix + "ListImages", ServiceAPI, StepAPI},
		{"GET", "https://api.ecr.us-east-1.amazonaws.com/v2/", "", ServiceAPI, StepAPI},
		{"GET", "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/k/k", "", ServiceS3, StepLayer},
		{"POST", "https://logs.us-east-1.amazonaws.com/", "Logs_20140328.PutLogEvents", ServiceLogs, StepLogs},
		{"GET", "http://127.0.0.1:5000/v2/app/manifests/1", "", ServiceDkr, StepManifest},
		{"POST", "http://127.0.0.1:5000/", TargetPrefix + "GetAuthorizationToken", ServiceAPI, StepAuth},
		{"POST", "http://127.0.0.1:5000/", "", "", ""},
		{"GET", "http://127.0.0.1:5000/prod-us-east-1-starport-layer-bucket/k/k", "", ServiceS3, StepLayer},
		{"GET", "http://127.0.0.1:5000/prod-x-starport-layer-bucket/k/k", "", "", ""},
		{"GET", "http://127.0.0.1:5000/", "", "", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.url, nil)
		if tt.target != "" {
			r.Header.Set("X-Amz-Target", tt.target)
		}
		if strings.HasSuffix(tt.url, ":5000/") && tt.method == http.MethodPost && tt.target == "" {
			r.Header["X-Amz-Target"] = nil
		}
		c := Classify(awsname.ParseHost(r.Host), r)
		if c.Service != tt.service || c.Step != tt.step {
			t.Errorf("%s %s: %+v, want service %q step %q", tt.method, tt.url, c, tt.service, tt.step)
		}
	}
}

func TestInfoFromContext(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "http://api.ecr-fips.us-east-1.amazonaws.com:8443/", nil)
	info := New(r)
	ctx := With(r.Context(), info)
	got, ok := From(ctx)
	if !ok || got != info {
		t.Fatal("From does not return what With stored")
	}
	if _, ok := From(r.Context()); ok {
		t.Fatal("From found an Info in a bare context")
	}
	if h := got.RegistryHost(awsname.Registry{Account: "111122223333", Region: "us-east-1"}); h != "111122223333.dkr.ecr-fips.us-east-1.amazonaws.com:8443" {
		t.Fatalf("RegistryHost = %q", h)
	}
	direct := New(httptest.NewRequest("GET", "http://127.0.0.1:5000/v2/", nil))
	if h := direct.RegistryHost(awsname.Registry{Account: "111122223333", Region: "us-east-1"}); h != "127.0.0.1:5000" || !direct.Direct() {
		t.Fatalf("direct RegistryHost = %q", h)
	}
	// Direct mode names one registry; another's URIs carry its AWS name,
	// or following them would lead to the home registry.
	direct.Home = awsname.Registry{Account: "111122223333", Region: "us-east-1"}
	if h := direct.RegistryHost(direct.Home); h != "127.0.0.1:5000" {
		t.Fatalf("direct RegistryHost of the home registry = %q", h)
	}
	if h := direct.RegistryHost(awsname.Registry{Account: "444455556666", Region: "us-east-1"}); h != "444455556666.dkr.ecr.us-east-1.amazonaws.com:5000" {
		t.Fatalf("direct RegistryHost of another registry = %q", h)
	}
	info.SetResource("arn:aws:ecr:us-east-1:111122223333:repository/app")
	if info.Resource() != "arn:aws:ecr:us-east-1:111122223333:repository/app" {
		t.Fatal("SetResource is not kept")
	}
}

// FuzzClassifyRegistry: an accepted path is rebuilt exactly from its
// route, and every route but the ping and the catalog names a repository
// and an action.
func FuzzClassifyRegistry(f *testing.F) {
	for _, p := range []string{"/v2/", "/v2/a/b/manifests/latest", "/v2/x/blobs/uploads/", "/v2/x/blobs/uploads/id",
		"/v2/x/blobs/sha256:00", "/v2/x/tags/list", "/v2/x/referrers/sha256:00", "/v2/manifests/manifests/x", "/v2//manifests/x"} {
		f.Add(http.MethodGet, p)
	}
	markers := map[RouteKind]string{RouteManifest: "/manifests/", RouteBlob: "/blobs/", RouteUpload: "/blobs/uploads/",
		RouteTags: "/tags/list", RouteReferrers: "/referrers/"}
	f.Fuzz(func(t *testing.T, method, path string) {
		rt, ok := ClassifyRegistry(method, path)
		if !ok || rt.Kind == RouteBase || rt.Kind == RouteCatalog {
			return
		}
		if rt.Name == "" || rt.Action == "" {
			t.Fatalf("%s %q: route %+v without a repository or an action", method, path, rt)
		}
		if again := "/v2/" + rt.Name + markers[rt.Kind] + rt.Ref; again != path {
			t.Fatalf("%q classified as %+v, which rebuilds as %q", path, rt, again)
		}
	})
}
