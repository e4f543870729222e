package registry

import (
	"errors"
	"net/http"

	"github.com/ecrlink/ecrlink/registry/tokens"
)

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
