package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm SigV4 defines for HMAC keys.
const Algorithm = "AWS4-HMAC-SHA256"

// Layouts of X-Amz-Date and of the credential scope's date.
const (
	TimeFormat = "20060102T150405Z"
	DateFormat = "20060102"
)

// Credentials are an access key; SessionToken is empty for long-term keys.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// Scope is a credential scope: the day, region and service a signature
// is valid for.
type Scope struct {
	Date    string // yyyymmdd
	Region  string
	Service string
}

// ScopeAt returns the scope of a signature made at t.
func ScopeAt(t time.Time, region, service string) Scope {
	return Scope{Date: t.UTC().Format(DateFormat), Region: region, Service: service}
}

// String is the scope as it appears in a credential and the string to
// sign: "DATE/REGION/SERVICE/aws4_request".
func (s Scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/aws4_request"
}

// SigningKey derives the key that signs for scope s from secret.
func SigningKey(secret string, s Scope) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), s.Date)
	k = hmacSHA256(k, s.Region)
	k = hmacSHA256(k, s.Service)
	return hmacSHA256(k, "aws4_request")
}

// StringToSign returns what the signing key signs: the algorithm, the
// request time (X-Amz-Date), the scope and the canonical request's hash.
func StringToSign(amzDate string, s Scope, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + amzDate + "\n" + s.String() + "\n" + hex.EncodeToString(sum[:])
}

// Signature returns the hex signature of a canonical request.
func Signature(secret, amzDate string, s Scope, canonicalRequest string) string {
	return hex.EncodeToString(hmacSHA256(SigningKey(secret, s), StringToSign(amzDate, s, canonicalRequest)))
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// Signer signs requests for one region and service. Its methods are pure
// functions of the request, the credentials and the time given.
type Signer struct {
	Credentials Credentials
	Region      string
	Service     string
}

// unsignedHeaders are never signed: proxies and transports rewrite them.
var unsignedHeaders = []string{"authorization", "user-agent", "x-amzn-trace-id", "expect", "transfer-encoding"}

// Sign signs r in its Authorization header at t, as a client does: it
// sets X-Amz-Date (and X-Amz-Security-Token for a session), then signs
// host and every other header r carries but those proxies rewrite.
func (s Signer) Sign(r *http.Request, payloadHash string, t time.Time) {
	t = t.UTC()
	r.Header.Set("X-Amz-Date", t.Format(TimeFormat))
	if s.Credentials.SessionToken != "" {
		r.Header.Set("X-Amz-Security-Token", s.Credentials.SessionToken)
	}
	signed := []string{"host"}
	for k := range r.Header {
		if lk := strings.ToLower(k); !slices.Contains(unsignedHeaders, lk) && lk != "host" {
			signed = append(signed, lk)
		}
	}
	if r.ContentLength > 0 && r.Header.Get("Content-Length") == "" {
		signed = append(signed, "content-length")
	}
	slices.Sort(signed)
	signed = slices.Compact(signed)
	scope := ScopeAt(t, s.Region, s.Service)
	sig := Signature(s.Credentials.SecretAccessKey, t.Format(TimeFormat), scope, CanonicalRequest(r, signed, payloadHash))
	r.Header.Set("Authorization", Algorithm+" Credential="+s.Credentials.AccessKeyID+"/"+scope.String()+
		", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
}

// Presign returns u presigned for method at t, valid for expires: the
// X-Amz-* query parameters added to u's own, only the host signed, and
// the payload unsigned, as S3 and minio-go's PresignedGetObject do.
func (s Signer) Presign(method string, u *url.URL, t time.Time, expires time.Duration) *url.URL {
	t = t.UTC()
	scope := ScopeAt(t, s.Region, s.Service)
	out := *u
	q := u.Query()
	q.Set("X-Amz-Algorithm", Algorithm)
	q.Set("X-Amz-Credential", s.Credentials.AccessKeyID+"/"+scope.String())
	q.Set("X-Amz-Date", t.Format(TimeFormat))
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	if s.Credentials.SessionToken != "" {
		q.Set("X-Amz-Security-Token", s.Credentials.SessionToken)
	}
	q.Set("X-Amz-SignedHeaders", "host")
	// A signature already in u would be left out of the canonical query
	// on verification, so it is left out here, and then replaced.
	q.Del("X-Amz-Signature")
	r := &http.Request{Method: method, URL: &out, Host: out.Host, Header: http.Header{}}
	canon := canonicalRequest(r, q, []string{"host"}, UnsignedPayload)
	q.Set("X-Amz-Signature", Signature(s.Credentials.SecretAccessKey, t.Format(TimeFormat), scope, canon))
	out.RawQuery = q.Encode()
	return &out
}
