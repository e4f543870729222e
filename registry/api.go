package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"
)

// targetPrefix is the ECR API's X-Amz-Target prefix (ECR-FACTS §2).
const targetPrefix = "AmazonEC2ContainerRegistry_V20150921."

// operation is one ECR API operation: the IAM action checked before handle
// runs, against the resource its input's target members name, and the
// handler, which decodes its own input.
type operation struct {
	action string
	target target
	handle func(ctx context.Context, s *Service, body []byte) (any, error)
}

// API returns the handler for the ECR JSON 1.1 API (POST / with X-Amz-Target).
func (s *Service) API() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out, err := s.serveAPI(w, r)
		if err != nil {
			writeAPIError(w, s.cfg.Logger, err)
			return
		}
		body, err := json.Marshal(out)
		if err != nil {
			writeAPIError(w, s.cfg.Logger, err)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write(body)
	})
}

func (s *Service) serveAPI(w http.ResponseWriter, r *http.Request) (any, error) {
	if r.Method != http.MethodPost {
		return nil, &APIError{Type: "UnknownOperationException", Status: http.StatusNotFound}
	}
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	op, known := operations[name]
	if !ok || !known {
		return nil, &APIError{Type: "UnknownOperationException"}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-amz-json-1.1" {
		return nil, &APIError{Type: "UnknownOperationException"}
	}
	if o := originFrom(r); o.Region != "" && o.Region != s.cfg.Region {
		// What AWS answers in a region the account cannot use.
		return nil, apiErr("UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	// What cannot be authenticated is refused before a byte of the body is
	// read; the signature, which covers the body, is checked after it.
	caller, err := s.authenticateAPI(r)
	if err != nil {
		return nil, err
	}
	body, release, err := s.readAPIBody(w, r, name)
	if err != nil {
		return nil, err
	}
	defer release()
	principal, err := caller.verify(r, body, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	ctx := withPrincipal(WithOrigin(r.Context(), originFrom(r)), principal)
	resource, err := s.resourceOf(op.target, body)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, principal, op.action, resource); err != nil {
		return nil, err
	}
	return op.handle(ctx, s, body)
}

// target says which members of an operation's input name what it acts on,
// and so what it is authorized against. Only those members are read: the
// JSON 1.1 parser ignores members an operation does not define, so a
// resourceArn sent to ListImages names nothing.
type target int

const (
	targetAccount    target = iota // nothing: authorized against "*"
	targetRegistry                 // registryId: against "*"
	targetRepository               // registryId and repositoryName
	targetARN                      // resourceArn (the tagging operations)
)

// resourceOf returns the ARN an operation with target t is authorized
// against, validating the members it reads first: AWS validates input
// against the model before it authorizes.
func (s *Service) resourceOf(t target, body []byte) (string, error) {
	switch t {
	case targetARN:
		var in struct {
			ResourceARN string `json:"resourceArn"`
		}
		if err := decode(body, &in); err != nil {
			return "", err
		}
		if in.ResourceARN == "" {
			return "*", nil
		}
		return in.ResourceARN, nil
	case targetRegistry, targetRepository:
		var in struct {
			RegistryID     string `json:"registryId"`
			RepositoryName string `json:"repositoryName"`
		}
		if err := decode(body, &in); err != nil {
			return "", err
		}
		if err := validRegistryID(in.RegistryID); err != nil {
			return "", err
		}
		if t == targetRegistry || in.RepositoryName == "" {
			return "*", nil
		}
		if err := validRepositoryName("repositoryName", in.RepositoryName); err != nil {
			return "", err
		}
		return repositoryARN(s.cfg.Region, s.registryID(in.RegistryID), in.RepositoryName), nil
	}
	// Malformed JSON is a SerializationException before any denial.
	return "*", decode(body, &struct{}{})
}

// registryID returns id, or the Service's account when id is empty.
func (s *Service) registryID(id string) string {
	if id == "" {
		return s.cfg.Account
	}
	return id
}

// apiCaller is a request's identity as far as its headers tell: the
// principal, and the secret to verify the signature with once the body is
// read (empty: not verified).
type apiCaller struct {
	principal string
	auth      *sigv4Auth
	secret    string
}

// authenticateAPI maps the SigV4 access key to a principal, checking all
// that the headers alone allow: presence and shape, credential scope and,
// for identities whose secret is known, the request date.
func (s *Service) authenticateAPI(r *http.Request) (*apiCaller, error) {
	a, err := parseSigV4(r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	if err := a.checkScope(s.cfg.Region); err != nil {
		return nil, err
	}
	id, ok := s.keys[a.AccessKeyID]
	if !ok {
		return &apiCaller{principal: s.rootPrincipal()}, nil
	}
	if id.SecretAccessKey != "" {
		if err := a.checkDate(r, s.cfg.Now()); err != nil {
			return nil, err
		}
	}
	return &apiCaller{principal: id.Principal, auth: a, secret: id.SecretAccessKey}, nil
}

// verify checks the signature over the request and its body, when the
// identity's secret is known, and returns the principal.
func (c *apiCaller) verify(r *http.Request, body []byte, now time.Time) (string, error) {
	if c.secret != "" {
		if err := c.auth.verify(r, body, c.secret, now); err != nil {
			return "", err
		}
	}
	return c.principal, nil
}

// decode unmarshals an API body as the service does: JSON type mismatches
// and malformed JSON are SerializationExceptions; unknown members are
// ignored.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	err := json.Unmarshal(body, v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return apiErr("SerializationException", "Unexpected value type in field '%s'", te.Field)
	}
	return &APIError{Type: "SerializationException"}
}
