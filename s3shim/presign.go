package s3shim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ecrlink/ecrlink/reqinfo"

	"github.com/ecrlink/ecrlink/awsname"
)

// PresignerAccount is the account of ECR's layer-download principal, as
// seen in a real S3 denial (ECR-FACTS §5, D3): the S3 hop never carries the
// caller's identity.
const PresignerAccount = "812812325446"

// DefaultExpiry is how long a layer URL stays valid. ECR does not document
// its lifetime (ECR-FACTS §8); an hour outlives any pull.
const DefaultExpiry = time.Hour

// Presigner mints and verifies the starport bucket's presigned GET URLs
// (SigV4 query signing, as S3 and minio-go's PresignedGetObject do).
type Presigner struct {
	// Region is the region of the bucket.
	Region string
	// Key derives the presigner's credentials; it must be secret and
	// stable across restarts for URLs to stay valid. Required.
	Key []byte
	// Expiry is a URL's lifetime; zero means DefaultExpiry. S3 allows 1 s
	// to 7 days.
	Expiry time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Principal is the ARN S3 sees for a layer download from this presigner.
func (p *Presigner) Principal() string {
	return "arn:" + awsname.PartitionOf(p.Region).ID + ":sts::" + PresignerAccount +
		":assumed-role/storage-access-role-prod-" + p.Region + "/ecr-layer-download"
}

// roleARN is the role behind Principal, what aws:PrincipalArn holds.
func (p *Presigner) roleARN() string {
	return "arn:" + awsname.PartitionOf(p.Region).ID + ":iam::" + PresignerAccount + ":role/storage-access-role-prod-" + p.Region
}

func (p *Presigner) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Presigner) expiry() time.Duration {
	if p.Expiry == 0 {
		return DefaultExpiry
	}
	return p.Expiry
}

func (p *Presigner) validate() error {
	switch {
	case len(p.Key) < 16:
		return errors.New("s3shim: presigner key must be at least 16 bytes")
	case p.expiry() < time.Second || p.expiry() > 7*24*time.Hour:
		return fmt.Errorf("s3shim: expiry %s outside 1s..7d", p.expiry())
	case p.Region == "":
		return errors.New("s3shim: presigner region is empty")
	}
	return nil
}

// credentials derives an access key id, secret and session token from Key,
// shaped like the STS credentials ECR signs with.
func (p *Presigner) credentials() (akid, secret, token string) {
	mac := hmac.New(sha256.New, p.Key)
	mac.Write([]byte("starport presigner"))
	sum := mac.Sum(nil)
	return "ASIA" + strings.ToUpper(hex.EncodeToString(sum[:8])), hex.EncodeToString(sum[8:28]), hex.EncodeToString(sum[28:])
}

// URL returns a presigned GET URL for the layer dgst of registryID at base:
// "scheme://host" and, for path-style, "/bucket" (see Style).
func (p *Presigner) URL(base *url.URL, style Style, registryID, dgst string) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	key, err := awsname.LayerKey(registryID, dgst)
	if err != nil {
		return "", err
	}
	u := *base
	u.Path = "/" + key
	if style == PathStyle {
		u.Path = "/" + awsname.StarportBucket(p.Region) + "/" + key
	}
	u.RawPath = ""
	akid, secret, token := p.credentials()
	now := p.now().UTC()
	q := url.Values{}
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Credential", akid+"/"+now.Format("20060102")+"/"+p.Region+"/s3/aws4_request")
	q.Set("X-Amz-Date", now.Format("20060102T150405Z"))
	q.Set("X-Amz-Expires", strconv.Itoa(int(p.expiry()/time.Second)))
	q.Set("X-Amz-Security-Token", token)
	q.Set("X-Amz-SignedHeaders", "host")
	q.Set("X-Amz-Signature", signature(secret, http.MethodGet, u.Host, u.EscapedPath(), q, now, p.Region))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Style says where the bucket name goes in a URL.
type Style int

const (
	// VirtualHosted puts the bucket in the host name, as ECR's URLs do:
	// prod-REGION-starport-layer-bucket.s3.REGION.amazonaws.com/KEY.
	VirtualHosted Style = iota
	// PathStyle puts it in the path: HOST/prod-REGION-starport-layer-bucket/KEY,
	// for direct mode, where the host is ecrlink's own listener.
	PathStyle
)

// signature computes the SigV4 query signature of a GET on host+path.
func signature(secret, method, host, path string, q url.Values, t time.Time, region string) string {
	canon := method + "\n" + path + "\n" + canonicalQuery(q) + "\nhost:" + host + "\n\nhost\nUNSIGNED-PAYLOAD"
	sum := sha256.Sum256([]byte(canon))
	scope := t.Format("20060102") + "/" + region + "/s3/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + t.Format("20060102T150405Z") + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	k := mac([]byte("AWS4"+secret), t.Format("20060102"))
	k = mac(k, region)
	k = mac(k, "s3")
	k = mac(k, "aws4_request")
	return hex.EncodeToString(mac(k, toSign))
}

func mac(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "X-Amz-Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(parts, "&")
}

func escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// The parameters of SigV4 query authentication: S3 requires all of them
// but the session token.
var (
	requiredParams = []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"}
	signingParams  = append(slices.Clone(requiredParams), "X-Amz-Security-Token")
)

// verify checks a request against the URLs this Presigner issues: every
// query parameter present, this presigner's credential, not expired, and the
// signature recomputed over the request's own host and path.
func (p *Presigner) verify(r *http.Request) error {
	q := r.URL.Query()
	for _, k := range requiredParams {
		if q.Get(k) == "" {
			if len(q) == 0 {
				return accessDenied("anonymous request to the starport bucket")
			}
			return &Error{Code: "AuthorizationQueryParametersError", Message: msgQueryParams, Status: http.StatusBadRequest}
		}
	}
	// Each signing parameter is read once: a second X-Amz-Signature is left
	// out of the canonical query, so it would ride along on a valid URL,
	// and a second of any other makes the URL ambiguous. S3 refuses both.
	for _, k := range signingParams {
		if len(q[k]) > 1 {
			return &Error{Code: "AuthorizationQueryParametersError", Message: msgQueryParams, Status: http.StatusBadRequest,
				Detail: k + " is given more than once"}
		}
	}
	akid, secret, token := p.credentials()
	t, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	expires, err2 := strconv.Atoi(q.Get("X-Amz-Expires"))
	cred := strings.SplitN(q.Get("X-Amz-Credential"), "/", 5)
	if err != nil || err2 != nil || expires < 1 || expires > 604800 || len(cred) != 5 || q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
		return &Error{Code: "AuthorizationQueryParametersError", Message: msgQueryParams, Status: http.StatusBadRequest}
	}
	if cred[0] != akid || q.Get("X-Amz-Security-Token") != token {
		return &Error{Code: "InvalidAccessKeyId", Message: "The AWS Access Key Id you provided does not exist in our records.",
			AWSAccessKeyID: cred[0], Status: http.StatusForbidden}
	}
	want := signature(secret, http.MethodGet, r.Host, r.URL.EscapedPath(), q, t, p.Region)
	if !hmac.Equal([]byte(want), []byte(q.Get("X-Amz-Signature"))) {
		return &Error{Code: "SignatureDoesNotMatch", Message: msgSignature, AWSAccessKeyID: akid,
			SignatureProvided: q.Get("X-Amz-Signature"), Status: http.StatusForbidden}
	}
	if end := t.Add(time.Duration(expires) * time.Second); !p.now().Before(end) {
		return &Error{Code: "AccessDenied", Message: msgExpired, Status: http.StatusForbidden,
			XAmzExpires: strconv.Itoa(expires), Expires: end.UTC().Format(time.RFC3339),
			ServerTime: p.now().UTC().Format(time.RFC3339)}
	}
	return nil
}

// LayerURL places a layer download on the starport bucket for the client
// of the request in ctx, so that following the redirect always works:
// virtual-hosted on the bucket's AWS name when the client came by AWS
// names, path-style on the same listener in direct mode. It makes the
// Presigner the registry's layer locator.
func (p *Presigner) LayerURL(ctx context.Context, registryID, dgst string) (string, error) {
	info, ok := reqinfo.From(ctx)
	if !ok {
		return "", errors.New("s3shim: no request facts to place the layer URL")
	}
	if info.Direct() {
		return p.URL(&url.URL{Scheme: info.Scheme, Host: info.RawHost}, PathStyle, registryID, dgst)
	}
	return p.URL(&url.URL{Scheme: info.Scheme, Host: info.Host.StarportFor().String()}, VirtualHosted, registryID, dgst)
}
