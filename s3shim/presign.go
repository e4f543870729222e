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
	"strconv"
	"strings"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/reqinfo"
	"github.com/ecrlink/ecrlink/sigv4"
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
// A URL is for one registry's layer, on its region's bucket.
type Presigner struct {
	// Key derives the presigner's credentials; it must be secret and
	// stable across restarts for URLs to stay valid. Required.
	Key []byte
	// Expiry is a URL's lifetime; zero means DefaultExpiry. S3 allows 1 s
	// to 7 days.
	Expiry time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Principal is the ARN S3 sees for a layer download from the bucket of
// region.
func Principal(region string) string {
	return "arn:" + awsname.PartitionOf(region).ID + ":sts::" + PresignerAccount +
		":assumed-role/storage-access-role-prod-" + region + "/ecr-layer-download"
}

// roleARN is the role behind Principal, what aws:PrincipalArn holds.
func roleARN(region string) string {
	return "arn:" + awsname.PartitionOf(region).ID + ":iam::" + PresignerAccount + ":role/storage-access-role-prod-" + region
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
	}
	return nil
}

// credentials derives an access key id, secret and session token from Key,
// shaped like the STS credentials ECR signs with.
func (p *Presigner) credentials() sigv4.Credentials {
	mac := hmac.New(sha256.New, p.Key)
	mac.Write([]byte("starport presigner"))
	sum := mac.Sum(nil)
	return sigv4.Credentials{
		AccessKeyID:     "ASIA" + strings.ToUpper(hex.EncodeToString(sum[:8])),
		SecretAccessKey: hex.EncodeToString(sum[8:28]),
		SessionToken:    hex.EncodeToString(sum[28:]),
	}
}

// URL returns a presigned GET URL for the layer dgst of registry reg at
// base: "scheme://host" and, for path-style, "/bucket" (see Style).
func (p *Presigner) URL(base *url.URL, style Style, reg awsname.Registry, dgst string) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	if !awsname.ValidRegion(reg.Region) {
		return "", fmt.Errorf("s3shim: %q is not a region", reg.Region)
	}
	key, err := awsname.LayerKey(reg.Account, dgst)
	if err != nil {
		return "", err
	}
	u := *base
	u.Path = "/" + key
	if style == PathStyle {
		u.Path = "/" + awsname.StarportBucket(reg.Region) + "/" + key
	}
	u.RawPath, u.RawQuery = "", ""
	signer := sigv4.Signer{Credentials: p.credentials(), Region: reg.Region, Service: "s3"}
	signed := signer.Presign(http.MethodGet, &u, p.now(), p.expiry())
	return signed.String(), nil
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

// The parameters of SigV4 query authentication: S3 requires all of them
// but the session token.
var (
	requiredParams = []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"}
	signingParams  = append(slices.Clone(requiredParams), "X-Amz-Security-Token")
)

// verify checks a request to the bucket of region against the URLs this
// Presigner issues: every query parameter present, this presigner's
// credential, not expired, and the signature recomputed over the request's
// own host and path.
func (p *Presigner) verify(r *http.Request, region string) error {
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
	c := p.credentials()
	t, err := time.Parse(sigv4.TimeFormat, q.Get("X-Amz-Date"))
	expires, err2 := strconv.Atoi(q.Get("X-Amz-Expires"))
	cred := strings.SplitN(q.Get("X-Amz-Credential"), "/", 5)
	if err != nil || err2 != nil || expires < 1 || expires > 604800 || len(cred) != 5 || q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
		return &Error{Code: "AuthorizationQueryParametersError", Message: msgQueryParams, Status: http.StatusBadRequest}
	}
	if cred[0] != c.AccessKeyID || q.Get("X-Amz-Security-Token") != c.SessionToken {
		return &Error{Code: "InvalidAccessKeyId", Message: "The AWS Access Key Id you provided does not exist in our records.",
			AWSAccessKeyID: cred[0], Status: http.StatusForbidden}
	}
	// The scope is the presigner's, whatever the credential claims: a URL
	// scoped to another day or region cannot match.
	// The URL is signed for GET; a HEAD of it is checked as that GET, as
	// s3shim always has (clients probe a layer's size with it).
	asGet := r
	if r.Method == http.MethodHead {
		asGet = r.Clone(r.Context())
		asGet.Method = http.MethodGet
	}
	if err := sigv4.VerifyPresigned(asGet, c.SecretAccessKey, sigv4.ScopeAt(t, region, "s3")); err != nil {
		return &Error{Code: "SignatureDoesNotMatch", Message: msgSignature, AWSAccessKeyID: c.AccessKeyID,
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
func (p *Presigner) LayerURL(ctx context.Context, reg awsname.Registry, dgst string) (string, error) {
	info, ok := reqinfo.From(ctx)
	if !ok {
		return "", errors.New("s3shim: no request facts to place the layer URL")
	}
	if info.Direct() {
		return p.URL(&url.URL{Scheme: info.Scheme, Host: info.RawHost}, PathStyle, reg, dgst)
	}
	return p.URL(&url.URL{Scheme: info.Scheme, Host: info.Host.StarportFor().String()}, VirtualHosted, reg, dgst)
}
