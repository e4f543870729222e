package sigv4

import (
	"crypto/hmac"
	"errors"
	"net/http"
	"strings"
)

// ErrSignatureMismatch is a signature that the secret does not reproduce.
var ErrSignatureMismatch = errors.New("sigv4: signature does not match")

// AuthorizationError is an Authorization header that is not a SigV4 one.
type AuthorizationError struct {
	// Missing is true when there was no header at all, which AWS answers
	// differently from a malformed one.
	Missing bool
	Reason  string
}

func (e *AuthorizationError) Error() string {
	if e.Missing {
		return "sigv4: no Authorization header"
	}
	return "sigv4: malformed Authorization header: " + e.Reason
}

// Authorization is the parsed Authorization header of a header-signed
// request.
type Authorization struct {
	AccessKeyID   string
	Scope         Scope
	SignedHeaders []string
	Signature     string
}

// ParseAuthorization parses "AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/
// SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex". Its errors are
// *AuthorizationError. It checks shape only; what the scope must be is
// the service's to say.
func ParseAuthorization(header string) (*Authorization, error) {
	if header == "" {
		return nil, &AuthorizationError{Missing: true}
	}
	rest, ok := strings.CutPrefix(header, Algorithm+" ")
	if !ok {
		return nil, &AuthorizationError{Reason: "not " + Algorithm}
	}
	var a Authorization
	var credential string
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	fields := strings.Split(credential, "/")
	switch {
	case len(fields) != 5 || fields[4] != "aws4_request":
		return nil, &AuthorizationError{Reason: "credential is not AK/DATE/REGION/SERVICE/aws4_request"}
	case a.Signature == "":
		return nil, &AuthorizationError{Reason: "no Signature"}
	case len(a.SignedHeaders) == 0:
		return nil, &AuthorizationError{Reason: "no SignedHeaders"}
	}
	a.AccessKeyID = fields[0]
	a.Scope = Scope{Date: fields[1], Region: fields[2], Service: fields[3]}
	return &a, nil
}

// Verify recomputes a's signature of r with secret, over the headers a
// lists and the request time in X-Amz-Date, and returns
// ErrSignatureMismatch if it differs. The caller checks the scope and the
// clock first.
func Verify(r *http.Request, a *Authorization, secret, payloadHash string) error {
	canon := CanonicalRequest(r, a.SignedHeaders, payloadHash)
	return compare(Signature(secret, r.Header.Get("X-Amz-Date"), a.Scope, canon), a.Signature)
}

// VerifyPresigned recomputes the signature of a query-presigned request
// for scope s with secret, over the headers its X-Amz-SignedHeaders lists
// and every query parameter but X-Amz-Signature itself, and returns
// ErrSignatureMismatch if it differs. The caller checks that each signing
// parameter is present once, the credential and the expiry.
func VerifyPresigned(r *http.Request, secret string, s Scope) error {
	q := r.URL.Query()
	got := q.Get("X-Amz-Signature")
	q.Del("X-Amz-Signature")
	signed := strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	canon := canonicalRequest(r, q, signed, UnsignedPayload)
	return compare(Signature(secret, q.Get("X-Amz-Date"), s, canon), got)
}

func compare(want, got string) error {
	if !hmac.Equal([]byte(want), []byte(got)) {
		return ErrSignatureMismatch
	}
	return nil
}
