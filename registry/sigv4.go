package registry

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// sigv4Auth is the parsed Authorization header of a SigV4-signed request.
type sigv4Auth struct {
	AccessKeyID   string
	Date          string // yyyymmdd of the credential scope
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

// Texts of AWS's common authentication errors on JSON services.
const (
	msgMissingAuth     = "Missing Authentication Token"
	msgIncompleteSig   = "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	msgSignatureDiffer = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgBadRegionScope  = "Credential should be scoped to a valid region. "
	msgBadServiceScope = "Credential should be scoped to correct service: 'ecr'. "
)

// parseSigV4 parses "AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=hex".
func parseSigV4(header string) (*sigv4Auth, error) {
	if header == "" {
		return nil, &APIError{Type: "MissingAuthenticationTokenException", Message: msgMissingAuth, Status: http.StatusForbidden}
	}
	rest, ok := strings.CutPrefix(header, "AWS4-HMAC-SHA256 ")
	if !ok {
		return nil, &APIError{Type: "IncompleteSignatureException", Message: msgIncompleteSig}
	}
	var a sigv4Auth
	var scope string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope = v
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	fields := strings.Split(scope, "/")
	if len(fields) != 5 || fields[4] != "aws4_request" || a.Signature == "" || len(a.SignedHeaders) == 0 {
		return nil, &APIError{Type: "IncompleteSignatureException", Message: msgIncompleteSig}
	}
	a.AccessKeyID, a.Date, a.Region, a.Service = fields[0], fields[1], fields[2], fields[3]
	return &a, nil
}

// checkScope applies AWS's credential-scope checks for this service.
func (a *sigv4Auth) checkScope(region string) error {
	if a.Service != "ecr" {
		return &APIError{Type: "InvalidSignatureException", Message: msgBadServiceScope + "(" + a.Service + ")"}
	}
	if a.Region != region {
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
	amzDate := r.Header.Get("X-Amz-Date")
	scope := a.Date + "/" + a.Region + "/" + a.Service + "/aws4_request"
	sum := sha256.Sum256([]byte(canonicalRequest(r, a.SignedHeaders, body)))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	k := hmacSHA256([]byte("AWS4"+secret), a.Date)
	k = hmacSHA256(k, a.Region)
	k = hmacSHA256(k, a.Service)
	k = hmacSHA256(k, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(k, toSign))
	if !hmac.Equal([]byte(want), []byte(a.Signature)) {
		return &APIError{Type: "InvalidSignatureException", Message: msgSignatureDiffer, Status: http.StatusForbidden}
	}
	return nil
}

// checkDate checks X-Amz-Date against the credential scope and the clock.
// It needs no body, so it runs before the body is read.
func (a *sigv4Auth) checkDate(r *http.Request, now time.Time) error {
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || !strings.HasPrefix(amzDate, a.Date) {
		return &APIError{Type: "IncompleteSignatureException", Message: msgIncompleteSig}
	}
	if d := now.Sub(t); d > 15*time.Minute || d < -15*time.Minute {
		return &APIError{Type: "InvalidSignatureException", Message: "Signature expired: " + amzDate +
			" is now earlier than " + now.Add(-15*time.Minute).UTC().Format("20060102T150405Z") +
			" (" + now.UTC().Format("20060102T150405Z") + " - 15 min.)"}
	}
	return nil
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func canonicalRequest(r *http.Request, signed []string, body []byte) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path + "\n")
	b.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range signed {
		v := append([]string(nil), r.Header.Values(h)...)
		if strings.EqualFold(h, "host") {
			v = []string{r.Host}
		}
		for i := range v {
			v[i] = strings.Join(strings.Fields(v[i]), " ")
		}
		b.WriteString(strings.ToLower(h) + ":" + strings.Join(v, ",") + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n")
	sum := sha256.Sum256(body)
	b.WriteString(hex.EncodeToString(sum[:]))
	return b.String()
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, awsEscape(k)+"="+awsEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// awsEscape is RFC 3986 escaping as SigV4 wants it (space as %20, '~' kept).
func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
