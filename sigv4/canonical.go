package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// UnsignedPayload is the payload hash of a presigned URL: S3 cannot know
// the body of a request that has not been made yet.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// HashPayload returns the hex SHA-256 of body, the payload hash of a
// header-signed request.
func HashPayload(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// CanonicalRequest returns SigV4's canonical request of r over the named
// headers (lower-case, in the order the signature lists them) and the
// payload hash.
func CanonicalRequest(r *http.Request, signedHeaders []string, payloadHash string) string {
	return canonicalRequest(r, r.URL.Query(), signedHeaders, payloadHash)
}

// canonicalRequest takes the query apart from r so that a presigned
// URL's own signature can be left out of it.
func canonicalRequest(r *http.Request, q url.Values, signed []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	// As sent: S3 signs the path as it is escaped on the wire, and ECR's
	// API is only ever "/", so no second escaping is needed for either.
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path + "\n")
	b.WriteString(CanonicalQuery(q) + "\n")
	for _, h := range signed {
		b.WriteString(strings.ToLower(h) + ":" + headerValue(r, h) + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n")
	b.WriteString(payloadHash)
	return b.String()
}

// headerValue is the canonical value of header h: its values joined by
// commas, each with runs of whitespace folded to one space and trimmed.
// Host is not in a Header map (net/http moves it to Request.Host), and a
// client's Content-Length lives in Request.ContentLength until sent.
func headerValue(r *http.Request, h string) string {
	v := r.Header.Values(h)
	switch {
	case strings.EqualFold(h, "host"):
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		v = []string{host}
	case strings.EqualFold(h, "content-length") && len(v) == 0 && r.ContentLength > 0:
		v = []string{strconv.FormatInt(r.ContentLength, 10)}
	}
	folded := make([]string, len(v))
	for i, s := range v {
		folded[i] = strings.Join(strings.Fields(s), " ")
	}
	return strings.Join(folded, ",")
}

// CanonicalQuery returns q as SigV4 signs it: each key and value escaped
// (RFC 3986: only A-Z a-z 0-9 - _ . ~ kept, space as %20), then sorted
// by escaped key and, for a repeated key, by escaped value. Sorting after
// escaping is what the specification and aws-sdk-go-v2 do.
func CanonicalQuery(q url.Values) string {
	type pair struct{ k, v string }
	pairs := make([]pair, 0, len(q))
	for k, vs := range q {
		ek := Escape(k)
		for _, v := range vs {
			pairs = append(pairs, pair{ek, Escape(v)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k + "=" + p.v)
	}
	return b.String()
}

// Escape is RFC 3986 escaping as SigV4 wants it. url.QueryEscape keeps
// exactly the unreserved set and writes space as '+'; a literal '+' has
// already become %2B, so every '+' left is a space.
func Escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
