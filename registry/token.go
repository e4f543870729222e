package registry

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/registry/metastore"
)

// tokenLifetime is ECR's: "The authorization token is valid for 12 hours."
const tokenLifetime = 12 * time.Hour

// maxTokenSize bounds what is parsed from an Authorization header.
const maxTokenSize = 8 << 10

const tokenKeyName = "token.key"

// tokenIssuer mints and verifies registry passwords. A password is, as in
// ECR, base64 of a JSON envelope {payload, datakey, version, type,
// expiration} (ECR-FACTS §3). Here datakey is the HMAC-SHA256 of the payload
// under a key kept in the metadata store, so tokens survive a restart and are
// honoured by every process sharing the store.
type tokenIssuer struct {
	key []byte
	now func() time.Time
}

type tokenEnvelope struct {
	Payload    string `json:"payload"`
	DataKey    string `json:"datakey"`
	Version    string `json:"version"`
	Type       string `json:"type"`
	Expiration int64  `json:"expiration"`
}

type tokenPayload struct {
	Principal string `json:"principal"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	IssuedAt  int64  `json:"iat"`
	Expires   int64  `json:"exp"`
}

// loadTokenKey returns the store's token key, creating it on first use.
func loadTokenKey(ctx context.Context, m metastore.Store) ([]byte, error) {
	key, err := m.Get(ctx, tokenKeyName)
	if err == nil && len(key) == 32 {
		return key, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("token key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	if err := m.Put(ctx, tokenKeyName, key); err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	return key, nil
}

// issue returns the authorizationToken (base64 of "AWS:"+password) for
// principal and its expiry.
func (t *tokenIssuer) issue(principal, account, region string) (string, time.Time) {
	now := t.now()
	exp := now.Add(tokenLifetime).Truncate(time.Second)
	p, _ := json.Marshal(tokenPayload{principal, account, region, now.Unix(), exp.Unix()})
	env, _ := json.Marshal(tokenEnvelope{
		Payload:    base64.StdEncoding.EncodeToString(p),
		DataKey:    base64.StdEncoding.EncodeToString(t.mac(p)),
		Version:    "2",
		Type:       "DATA_KEY",
		Expiration: exp.Unix(),
	})
	password := base64.StdEncoding.EncodeToString(env)
	return base64.StdEncoding.EncodeToString([]byte("AWS:" + password)), exp
}

func (t *tokenIssuer) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, t.key)
	h.Write(payload)
	return h.Sum(nil)
}

var (
	errTokenInvalid = errors.New("authorization token is invalid")
	errTokenExpired = errors.New("authorization token has expired")
)

// verify checks a password and returns the payload it carries.
func (t *tokenIssuer) verify(password string) (*tokenPayload, error) {
	// Go's base64 decoder skips CR and LF, which ECR does not: a password
	// pasted with a trailing "\r" is a 400 there (ECR-FACTS F4).
	if len(password) > maxTokenSize || strings.ContainsAny(password, "\r\n\t ") {
		return nil, errTokenInvalid
	}
	raw, err := base64.StdEncoding.DecodeString(password)
	if err != nil {
		return nil, errTokenInvalid
	}
	var env tokenEnvelope
	if json.Unmarshal(raw, &env) != nil || env.Type != "DATA_KEY" {
		return nil, errTokenInvalid
	}
	p, err1 := base64.StdEncoding.DecodeString(env.Payload)
	mac, err2 := base64.StdEncoding.DecodeString(env.DataKey)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, t.mac(p)) {
		return nil, errTokenInvalid
	}
	var tp tokenPayload
	if json.Unmarshal(p, &tp) != nil {
		return nil, errTokenInvalid
	}
	if !t.now().Before(time.Unix(tp.Expires, 0)) {
		return nil, errTokenExpired
	}
	return &tp, nil
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
// credentials: ECR's authorizationToken decoded to AWS:password.
func (s *Service) authenticate(r *http.Request) (string, error) {
	if r.Header.Get("Authorization") == "" {
		return "", errNoCredentials
	}
	user, password, ok := r.BasicAuth()
	if !ok || user != "AWS" {
		// A malformed credential is a 400 (ECR-FACTS F4).
		return "", regErr(http.StatusBadRequest, "DENIED", msgTokenInvalid)
	}
	tp, err := s.tokens.verify(password)
	switch {
	case errors.Is(err, errTokenExpired):
		return "", regErr(http.StatusForbidden, "DENIED", msgTokenExpired)
	case err != nil:
		return "", regErr(http.StatusBadRequest, "DENIED", msgTokenInvalid)
	case tp.Region != s.cfg.Region || tp.Account != s.cfg.Account:
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

// rootPrincipal is the account root ARN of the Service's account.
func (s *Service) rootPrincipal() string {
	return awsname.RootARN(s.cfg.Region, s.cfg.Account)
}
