package registry

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ecrlink/ecrlink/sigv4"
)

// sigv4Auth is the parsed Authorization header of a SigV4-signed request;
// the signing itself is package sigv4's, the checks and texts ECR's.
type sigv4Auth struct{ *sigv4.Authorization }

// Texts of AWS's common authentication errors on JSON services.
const (
	msgMissingAuth     = "Missing Authentication Token"
	msgIncompleteSig   = "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	msgSignatureDiffer = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgBadRegionScope  = "Credential should be scoped to a valid region. "
	msgBadServiceScope = "Credential should be scoped to correct service: 'ecr'. "
)

// parseSigV4 parses the Authorization header, answering as ECR does when
// it is missing or malformed.
func parseSigV4(header string) (*sigv4Auth, error) {
	a, err := sigv4.ParseAuthorization(header)
	var ae *sigv4.AuthorizationError
	switch {
	case err == nil:
		return &sigv4Auth{a}, nil
	case errors.As(err, &ae) && ae.Missing:
		return nil, &APIError{Type: "MissingAuthenticationTokenException", Message: msgMissingAuth, Status: http.StatusForbidden}
	default:
		return nil, &APIError{Type: "IncompleteSignatureException", Message: msgIncompleteSig}
	}
}

// checkScope applies AWS's credential-scope checks for this service.
func (a *sigv4Auth) checkScope(region string) error {
	if a.Scope.Service != "ecr" {
		return &APIError{Type: "InvalidSignatureException", Message: msgBadServiceScope + "(" + a.Scope.Service + ")"}
	}
	if a.Scope.Region != region {
		return &APIError{Type: "InvalidSignatureException", Message: msgBadRegionScope}
	}
	return nil
}

// verify recomputes the signature with secret over r and body. It is used
// only for identities whose secret is known.
func (a *sigv4Auth) verify(r *http.Request, body []byte, secret string, now time.Time) error {
	if err := a.checkDate(r, now); err != nil {
		return err
	}
	if err := sigv4.Verify(r, a.Authorization, secret, sigv4.HashPayload(body)); err != nil {
		return &APIError{Type: "InvalidSignatureException", Message: msgSignatureDiffer, Status: http.StatusForbidden}
	}
	return nil
}

// checkDate checks X-Amz-Date against the credential scope and the clock.
// It needs no body, so it runs before the body is read.
func (a *sigv4Auth) checkDate(r *http.Request, now time.Time) error {
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(sigv4.TimeFormat, amzDate)
	if err != nil || !strings.HasPrefix(amzDate, a.Scope.Date) {
		return &APIError{Type: "IncompleteSignatureException", Message: msgIncompleteSig}
	}
	if d := now.Sub(t); d > 15*time.Minute || d < -15*time.Minute {
		return &APIError{Type: "InvalidSignatureException", Message: "Signature expired: " + amzDate +
			" is now earlier than " + now.Add(-15*time.Minute).UTC().Format(sigv4.TimeFormat) +
			" (" + now.UTC().Format(sigv4.TimeFormat) + " - 15 min.)"}
	}
	return nil
}
