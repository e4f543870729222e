package registry

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/opencontainers/go-digest"
)

// v2Route is one parsed Docker Registry API request.
type v2Route struct {
	kind   string // routeBase, routeManifest, ...
	name   string // repository
	ref    string // tag, digest or upload id
	action string // IAM action ECR checks (ECR-FACTS §4); empty: token only
}

const (
	routeBase     = "base"
	routeCatalog  = "catalog"
	routeManifest = "manifest"
	routeBlob     = "blob"
	routeUpload   = "upload"
	routeTags     = "tags"
	routeRefs     = "referrers"
)

// v2Path splits a registry path; the greedy name takes everything up to the
// last resource marker, as distribution's router does.
var v2Path = regexp.MustCompile(`^/v2/(.+)/(manifests/[^/]+|blobs/uploads/[^/]*|blobs/[^/]+|tags/list|referrers/[^/]+)$`)

func parseV2(method, p string) (*v2Route, bool) {
	switch p {
	case "/v2", "/v2/":
		return &v2Route{kind: routeBase}, true
	case "/v2/_catalog":
		return &v2Route{kind: routeCatalog}, true
	}
	m := v2Path.FindStringSubmatch(p)
	if m == nil {
		return nil, false
	}
	rt := &v2Route{name: m[1]}
	res, ref, _ := strings.Cut(m[2], "/")
	switch {
	case res == "manifests":
		rt.kind, rt.ref = routeManifest, ref
	case strings.HasPrefix(m[2], "blobs/uploads/"):
		rt.kind, rt.ref = routeUpload, strings.TrimPrefix(m[2], "blobs/uploads/")
	case res == "blobs":
		rt.kind, rt.ref = routeBlob, ref
	case res == "tags":
		rt.kind = routeTags
	case res == "referrers":
		rt.kind, rt.ref = routeRefs, ref
	}
	rt.action = v2Action(rt.kind, method, rt.ref)
	return rt, true
}

// v2Action maps a registry request to the ECR action checked for it.
func v2Action(kind, method, ref string) string {
	switch kind {
	case routeManifest:
		switch method {
		case http.MethodPut:
			return "ecr:PutImage"
		case http.MethodDelete:
			return "ecr:BatchDeleteImage"
		}
		return "ecr:BatchGetImage"
	case routeBlob:
		switch method {
		case http.MethodHead:
			return "ecr:BatchCheckLayerAvailability"
		case http.MethodDelete:
			// No ECR action names a layer delete; deleting repository
			// content is BatchDeleteImage's (an inference, ECR-FACTS §4).
			return "ecr:BatchDeleteImage"
		}
		return "ecr:GetDownloadUrlForLayer"
	case routeUpload:
		switch {
		case method == http.MethodPost:
			return "ecr:InitiateLayerUpload"
		case method == http.MethodPut:
			return "ecr:CompleteLayerUpload"
		}
		return "ecr:UploadLayerPart"
	case routeTags:
		return "ecr:ListImages"
	case routeRefs:
		return "ecr:BatchGetImage"
	}
	return ""
}

// Registry returns the handler for the Docker Registry API (/v2/).
func (s *Service) Registry() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.serveV2(w, r); err != nil {
			writeRegistryError(w, s.cfg.Logger, err)
		}
	})
}

func (s *Service) serveV2(w http.ResponseWriter, r *http.Request) error {
	rt, ok := parseV2(r.Method, r.URL.Path)
	if !ok {
		return regErr(http.StatusNotFound, "NOT_FOUND", "404 page not found")
	}
	o := originFrom(r)
	principal, err := s.authenticate(r, o)
	if err != nil {
		if errors.Is(err, errNoCredentials) {
			challenge(w, o)
			return nil
		}
		return err
	}
	if o.Region != "" && o.Region != s.cfg.Region {
		// Tokens are region-bound (ECR-FACTS §3).
		return regErr(http.StatusForbidden, "DENIED", msgTokenRegion)
	}
	ctx := withPrincipal(WithOrigin(r.Context(), o), principal)
	r = r.WithContext(ctx)
	switch rt.kind {
	case routeBase:
		s.app.ServeHTTP(w, r)
		return nil
	case routeCatalog:
		return regErr(http.StatusMethodNotAllowed, "UNSUPPORTED", "The operation is unsupported.")
	}
	registryID := o.RegistryID
	if registryID == "" {
		registryID = s.cfg.Account
	}
	if !repositoryNamePattern.MatchString(rt.name) || len(rt.name) > 256 {
		return regErr(http.StatusBadRequest, "NAME_INVALID", "Invalid repository name '%s'", rt.name)
	}
	if err := s.authorize(ctx, principal, rt.action, repositoryARN(s.cfg.Region, registryID, rt.name)); err != nil {
		return err
	}
	if registryID != s.cfg.Account {
		return nameUnknown(rt.name, registryID)
	}
	meta, err := s.getRepo(ctx, rt.name)
	if errors.Is(err, errNoRepository) {
		return nameUnknown(rt.name, registryID)
	}
	if err != nil {
		return err
	}
	return s.dispatchV2(w, r, rt, meta)
}

func nameUnknown(name, registryID string) *RegistryError {
	return regErr(http.StatusNotFound, "NAME_UNKNOWN",
		"The repository with name '%s' does not exist in the registry with id '%s'", name, registryID)
}

func (s *Service) dispatchV2(w http.ResponseWriter, r *http.Request, rt *v2Route, meta *repoMeta) error {
	if err := checkV2Request(rt, r); err != nil {
		return err
	}
	switch {
	case rt.kind == routeManifest && r.Method == http.MethodPut:
		return s.putManifestV2(w, r, rt, meta)
	case rt.kind == routeRefs && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		return s.serveReferrers(w, r, rt)
	case rt.kind == routeTags && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		return s.serveTags(w, r, rt)
	case rt.kind == routeBlob && r.Method == http.MethodGet:
		// Layers leave through the starport bucket (ECR-FACTS §5).
		if handled, err := s.serveBlob(w, r, rt); handled {
			return err
		}
	case rt.kind == routeUpload && r.Method == http.MethodPost:
		return s.startUpload(w, r, rt, meta)
	case rt.kind == routeUpload && rt.ref != "" && r.Method != http.MethodGet && r.Method != http.MethodHead:
		return s.serveUpload(w, r, rt)
	}
	return s.serveApp(w, r, rt)
}

type principalKey struct{}

func (principalKey) String() string { return "registry.principal" }

func withPrincipal(ctx context.Context, p string) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalFrom returns the authenticated principal of the request.
func principalFrom(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(string)
	return p
}

// validRouteRef checks a route's reference before distribution sees it, so
// that a malformed one is a 400, as on ECR, not a 404 from the router.
func validRouteRef(rt *v2Route) error {
	switch rt.kind {
	case routeManifest:
		return validReference(rt.ref)
	case routeBlob:
		if _, err := digest.Parse(rt.ref); err != nil {
			return regErr(http.StatusBadRequest, "DIGEST_INVALID", "invalid digest '%s'", rt.ref)
		}
	}
	return nil
}
