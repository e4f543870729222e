package registry

import (
	"context"
	"errors"
	"net/http"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/registry/tokens"
	"github.com/ecrlink/ecrlink/reqinfo"

	"github.com/opencontainers/go-digest"
)

// Registry returns the handler for the Docker Registry API (/v2/).
func (s *Service) Registry() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.serveV2(w, r.WithContext(s.withDistLog(r.Context()))); err != nil {
			writeRegistryError(w, s.cfg.Logger, err)
		}
	})
}

// serveV2 authenticates a registry request and hands it to the registry
// its host names: ACCOUNT.dkr.ecr.REGION, or in direct mode the home one.
func (s *Service) serveV2(w http.ResponseWriter, r *http.Request) error {
	info, err := requestInfo(r.Context())
	if err != nil {
		return err
	}
	rt := &info.Class.Route
	if rt.Kind == reqinfo.RouteNone {
		return regErr(http.StatusNotFound, "NOT_FOUND", "404 page not found")
	}
	id := s.homeOf(info)
	if info.Host.IsAWS() {
		id = awsname.Registry{Account: info.Host.Account, Region: info.Host.Region}
	}
	region, served := s.regionOf(info)
	principal, err := s.authenticate(r, region)
	if err != nil {
		if errors.Is(err, errNoCredentials) {
			challenge(w, info.RegistryHost(id))
			return nil
		}
		return err
	}
	g, ok := s.answering(id)
	if !served || !ok {
		// Tokens are region-bound (ECR-FACTS §3).
		return regErr(http.StatusForbidden, "DENIED", msgTokenRegion)
	}
	return g.serveV2(w, r.WithContext(withPrincipal(r.Context(), principal)), info, principal)
}

// serveV2 serves an authenticated registry request: repository requests
// are authorized against the repository of the host's account, and
// answered only where that account's registry holds it.
func (s *registry) serveV2(w http.ResponseWriter, r *http.Request, info *reqinfo.Info, principal string) error {
	rt := &info.Class.Route
	switch rt.Kind {
	case reqinfo.RouteBase:
		s.app.ServeHTTP(w, r)
		return nil
	case reqinfo.RouteCatalog:
		return regErr(http.StatusMethodNotAllowed, "UNSUPPORTED", "The operation is unsupported.")
	}
	registryID := s.registryID(info.Host.Account)
	if !repositoryNamePattern.MatchString(rt.Name) || len(rt.Name) > 256 {
		return regErr(http.StatusBadRequest, "NAME_INVALID", "Invalid repository name '%s'", rt.Name)
	}
	resource := awsname.Repository{Region: s.region, Account: registryID, Name: rt.Name}.String()
	info.SetResource(resource)
	ctx := r.Context()
	if err := s.authorize(ctx, principal, rt.Action, resource); err != nil {
		return err
	}
	if registryID != s.account {
		return nameUnknown(rt.Name, registryID)
	}
	meta, err := s.getRepo(ctx, rt.Name)
	if errors.Is(err, errNoRepository) {
		return nameUnknown(rt.Name, registryID)
	}
	if err != nil {
		return err
	}
	return s.dispatchV2(w, r, rt, meta)
}

// serveApp lets distribution answer, its errors rewritten into ECR's. An
// upload's form is fixed here, after startUpload has taken out what it
// refused, so distribution reads exactly what ecrlink checked.
func (s *registry) serveApp(w http.ResponseWriter, r *http.Request, rt *reqinfo.RegistryRoute) error {
	if rt.Kind == reqinfo.RouteUpload {
		queryOnlyForm(r)
	}
	rw := &ecrErrorWriter{ResponseWriter: w, rt: rt, method: r.Method}
	s.app.ServeHTTP(rw, r)
	return rw.finish()
}

func nameUnknown(name, registryID string) *RegistryError {
	return regErr(http.StatusNotFound, "NAME_UNKNOWN",
		"The repository with name '%s' does not exist in the registry with id '%s'", name, registryID)
}

func (s *registry) dispatchV2(w http.ResponseWriter, r *http.Request, rt *reqinfo.RegistryRoute, meta *repoMeta) error {
	if err := checkV2Request(rt, r); err != nil {
		return err
	}
	switch {
	case rt.Kind == reqinfo.RouteManifest && r.Method == http.MethodPut:
		return s.putManifestV2(w, r, rt, meta)
	case rt.Kind == reqinfo.RouteReferrers && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		return s.serveReferrers(w, r, rt)
	case rt.Kind == reqinfo.RouteTags && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		return s.serveTags(w, r, rt)
	case rt.Kind == reqinfo.RouteBlob && r.Method == http.MethodGet:
		// Layers leave through the starport bucket (ECR-FACTS §5).
		if handled, err := s.serveBlob(w, r, rt); handled {
			return err
		}
	case rt.Kind == reqinfo.RouteUpload && r.Method == http.MethodPost:
		return s.startUpload(w, r, rt, meta)
	case rt.Kind == reqinfo.RouteUpload && rt.Ref != "" && r.Method != http.MethodGet && r.Method != http.MethodHead:
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
func validRouteRef(rt *reqinfo.RegistryRoute) error {
	switch rt.Kind {
	case reqinfo.RouteManifest:
		return validReference(rt.Ref)
	case reqinfo.RouteBlob:
		if _, err := digest.Parse(rt.Ref); err != nil {
			return regErr(http.StatusBadRequest, "DIGEST_INVALID", "invalid digest '%s'", rt.Ref)
		}
	}
	return nil
}

var errNoCredentials = errors.New("no credentials")

// Registry authentication texts (ECR-FACTS F3; the others have no AWS
// capture and say plainly what is wrong).
const (
	msgTokenExpired = "Your authorization token has expired. Reauthenticate and try again."
	msgTokenInvalid = "Your authorization token is invalid."
	msgTokenRegion  = "Your authorization token is not valid in this region. Reauthenticate with a token for this region."
)

// authenticate returns the principal behind the request's Basic
// credentials: ECR's authorizationToken decoded to AWS:password. A token
// works on every registry of the region it was issued in, as on ECR.
func (s *Service) authenticate(r *http.Request, region string) (string, error) {
	if r.Header.Get("Authorization") == "" {
		return "", errNoCredentials
	}
	user, password, ok := r.BasicAuth()
	if !ok || user != "AWS" {
		// A malformed credential is a 400 (ECR-FACTS F4).
		return "", regErr(http.StatusBadRequest, "DENIED", msgTokenInvalid)
	}
	tp, err := s.tokens.Verify(password)
	switch {
	case errors.Is(err, tokens.ErrExpired):
		return "", regErr(http.StatusForbidden, "DENIED", msgTokenExpired)
	case err != nil:
		return "", regErr(http.StatusBadRequest, "DENIED", msgTokenInvalid)
	case tp.Region != region:
		// Tokens are region-bound (ECR-FACTS §3).
		return "", regErr(http.StatusForbidden, "DENIED", msgTokenRegion)
	}
	return tp.Principal, nil
}

// challenge answers an unauthenticated request as ECR does (ECR-FACTS §3).
func challenge(w http.ResponseWriter, registryHost string) {
	h := w.Header()
	h.Set("Docker-Distribution-Api-Version", "registry/2.0")
	h.Set("Www-Authenticate", `Basic realm="https://`+registryHost+`/",service="ecr.amazonaws.com"`)
	h.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte("Not Authorized\n"))
}
