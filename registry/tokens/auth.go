package tokens

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Lifetime is ECR's: "The authorization token is valid for 12 hours."
const Lifetime = 12 * time.Hour

// MaxSize bounds what is parsed from an Authorization header.
const MaxSize = 8 << 10

// Issuer mints and verifies registry passwords. A password is, as in
// ECR, base64 of a JSON envelope {payload, datakey, version, type,
// expiration} (ECR-FACTS §3). Here datakey is the HMAC-SHA256 of the payload
// under a key kept in the metadata store, so tokens survive a restart and are
// honoured by every process sharing the store.
type Issuer struct {
	// Key signs the tokens; it must be secret and stable for tokens to
	// outlive a restart. Required.
	Key []byte
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

type envelope struct {
	Payload    string `json:"payload"`
	DataKey    string `json:"datakey"`
	Version    string `json:"version"`
	Type       string `json:"type"`
	Expiration int64  `json:"expiration"`
}

// Payload is what a token says: who, for which registry, until when.
type Payload struct {
	Principal string `json:"principal"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	IssuedAt  int64  `json:"iat"`
	Expires   int64  `json:"exp"`
}

// Issue returns the authorizationToken (base64 of "AWS:"+password) for
// principal, valid for lifetime (zero: ECR's Lifetime), and its expiry.
func (t *Issuer) Issue(principal, account, region string, lifetime time.Duration) (string, time.Time) {
	if lifetime <= 0 {
		lifetime = Lifetime
	}
	now := t.now()
	exp := now.Add(lifetime).Truncate(time.Second)
	p, _ := json.Marshal(Payload{principal, account, region, now.Unix(), exp.Unix()})
	env, _ := json.Marshal(envelope{
		Payload:    base64.StdEncoding.EncodeToString(p),
		DataKey:    base64.StdEncoding.EncodeToString(t.mac(p)),
		Version:    "2",
		Type:       "DATA_KEY",
		Expiration: exp.Unix(),
	})
	password := base64.StdEncoding.EncodeToString(env)
	return base64.StdEncoding.EncodeToString([]byte("AWS:" + password)), exp
}

func (t *Issuer) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, t.Key)
	h.Write(payload)
	return h.Sum(nil)
}

var (
	ErrInvalid = errors.New("authorization token is invalid")
	ErrExpired = errors.New("authorization token has expired")
)

// Verify checks a password and returns the payload it carries.
func (t *Issuer) Verify(password string) (*Payload, error) {
	// Go's base64 decoder skips CR and LF, which ECR does not: a password
	// pasted with a trailing "\r" is a 400 there (ECR-FACTS F4).
	if len(password) > MaxSize || strings.ContainsAny(password, "\r\n\t ") {
		return nil, ErrInvalid
	}
	raw, err := base64.StdEncoding.DecodeString(password)
	if err != nil {
		return nil, ErrInvalid
	}
	var env envelope
	if json.Unmarshal(raw, &env) != nil || env.Type != "DATA_KEY" {
		return nil, ErrInvalid
	}
	p, err1 := base64.StdEncoding.DecodeString(env.Payload)
	mac, err2 := base64.StdEncoding.DecodeString(env.DataKey)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, t.mac(p)) {
		return nil, ErrInvalid
	}
	var tp Payload
	if json.Unmarshal(p, &tp) != nil {
		return nil, ErrInvalid
	}
	if !t.now().Before(time.Unix(tp.Expires, 0)) {
		return nil, ErrExpired
	}
	return &tp, nil
}

func (t *Issuer) now() time.Time {
	if t.Now == nil {
		return time.Now()
	}
	return t.Now()
}
