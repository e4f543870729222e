package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// operation handles one ECR API operation; it decodes its own input, and
// runs only once the call is authorized.
type operation func(ctx context.Context, s *registry, body []byte) (any, error)

// API returns the handler for the ECR JSON 1.1 API (POST / with X-Amz-Target).
func (s *Service) API() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out, err := s.serveAPI(w, r.WithContext(s.withDistLog(r.Context())))
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
	info, err := requestInfo(r.Context())
	if err != nil {
		return nil, err
	}
	if r.Method != http.MethodPost {
		return nil, &APIError{Type: "UnknownOperationException", Status: http.StatusNotFound}
	}
	op, known := operations[info.Class.Operation]
	if !known {
		return nil, &APIError{Type: "UnknownOperationException"}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-amz-json-1.1" {
		return nil, &APIError{Type: "UnknownOperationException"}
	}
	region, ok := s.regionOf(info)
	if !ok {
		// What AWS answers in a region the account cannot use.
		return nil, apiErr("UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	// What cannot be authenticated is refused before a byte of the body is
	// read; the signature, which covers the body, is checked after it.
	caller, err := s.authenticateAPI(r, region, s.homeOf(info).Account)
	if err != nil {
		return nil, err
	}
	body, release, err := s.readAPIBody(w, r, info.Class.Operation)
	if err != nil {
		return nil, err
	}
	defer release()
	principal, err := caller.verify(r, body, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	g, _ := s.answering(apiRegistry(region, principal, info.Class.Target, body))
	ctx := withPrincipal(r.Context(), principal)
	resource, err := g.resourceOf(info.Class.Target, body, accountOf(principal))
	if err != nil {
		return nil, err
	}
	info.SetResource(resource)
	if err := s.authorize(ctx, principal, info.Class.Action, resource); err != nil {
		return nil, err
	}
	return op(ctx, g, body)
}

// apiRegistry is the registry an API call in region is for: the one the
// members its operation defines name (registryId, or for the tagging
// operations resourceArn), else the caller's own (ECR: "If you do not
// specify a registry, the default registry is assumed"). An operation on
// the account (TargetAccount) defines no such member, so it always acts on
// the caller's registry: a registryId sent to it names nothing. What does
// not decode is left to resourceOf to refuse in ECR's words.
func apiRegistry(region, principal string, t reqinfo.Target, body []byte) awsname.Registry {
	account := accountOf(principal)
	var in struct {
		RegistryID  string `json:"registryId"`
		ResourceARN string `json:"resourceArn"`
	}
	_ = json.Unmarshal(body, &in)
	switch t {
	case reqinfo.TargetRegistry, reqinfo.TargetRepository:
		if in.RegistryID != "" {
			account = in.RegistryID
		}
	case reqinfo.TargetARN:
		if repo, ok := awsname.ParseRepositoryARN(in.ResourceARN); ok {
			account = repo.Account
		}
	}
	return awsname.Registry{Account: account, Region: region}
}

// accountOf is the account of a principal's ARN.
func accountOf(principal string) string {
	a, err := awsname.ParseARN(principal)
	if err != nil {
		return ""
	}
	return a.Account
}

// resourceOf returns the ARN an operation with target t is authorized
// against, validating the members it reads first: AWS validates input
// against the model before it authorizes.
//
// A call on another account's registry as a whole (DescribeRepositories
// with its registryId) is authorized against that registry's repositories,
// arn:…:ACCOUNT:repository/*, so the account's policies must let the
// caller in, as for any cross-account request; against "*" it would need
// only the caller's own.
func (s *registry) resourceOf(t reqinfo.Target, body []byte, callerAccount string) (string, error) {
	switch t {
	case reqinfo.TargetARN:
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
	case reqinfo.TargetRegistry, reqinfo.TargetRepository:
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
		if id := s.registryID(in.RegistryID); (t == reqinfo.TargetRegistry || in.RepositoryName == "") && id != callerAccount {
			return awsname.Repository{Region: s.region, Account: id, Name: "*"}.String(), nil
		}
		if t == reqinfo.TargetRegistry || in.RepositoryName == "" {
			return "*", nil
		}
		if err := validRepositoryName("repositoryName", in.RepositoryName); err != nil {
			return "", err
		}
		return awsname.Repository{Region: s.region, Account: s.registryID(in.RegistryID), Name: in.RepositoryName}.String(), nil
	}
	// Malformed JSON is a SerializationException before any denial.
	return "*", decode(body, &struct{}{})
}

// registryID returns id, or the Service's account when id is empty.
func (s *registry) registryID(id string) string {
	if id == "" {
		return s.account
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
func (s *Service) authenticateAPI(r *http.Request, region, homeAccount string) (*apiCaller, error) {
	a, err := parseSigV4(r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	if err := a.checkScope(region); err != nil {
		return nil, err
	}
	id, ok, exclusive := s.identity(r.Context(), a.AccessKeyID)
	switch {
	case !ok && exclusive:
		return nil, apiErr("UnrecognizedClientException", "The security token included in the request is invalid.")
	case !ok:
		return &apiCaller{principal: awsname.RootARN(region, homeAccount)}, nil
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
