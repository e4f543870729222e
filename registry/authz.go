package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/ecrlink/ecrlink/policyeval"
)

// DeniedError is an authorization failure with AWS's AccessDenied message.
// On the registry API it is written as 403 DENIED, on the ECR API as
// AccessDeniedException (POLICY-FACTS §7.3).
type DeniedError struct {
	Message  string
	Decision policyeval.Decision
}

func (e *DeniedError) Error() string { return "access denied: " + e.Message }

// authorize evaluates the request the way AWS does (POLICY-FACTS §2): the
// caller's identity policies, the repository policy and the registry
// policy, bounded by the policies of the endpoints the emulator says the
// request came through.
func (s *Service) authorize(ctx context.Context, principal, action, resource string) error {
	req := policyeval.Request{Principal: principal, Action: action, Resource: resource, Now: s.cfg.Now()}
	set := policyeval.Set{Identity: s.identityPolicies[principal]}
	if c, ok := policyeval.CallerFrom(ctx); ok {
		req.Context = c.Context
		set.Endpoint = c.EndpointPolicies
		if c.IdentityPolicies != nil {
			set.Identity = c.IdentityPolicies
		}
	}
	if _, account, name, ok := parseRepositoryARN(resource); ok {
		req.ResourceAccount = account
		if err := s.resourcePolicies(ctx, account, name, &set); err != nil {
			return err
		}
	}
	d := policyeval.Evaluate(&req, &set)
	if d.Allowed() {
		return nil
	}
	return &DeniedError{Message: d.Message(&req), Decision: d}
}

// resourcePolicies adds the repository's and the registry's policies.
func (s *Service) resourcePolicies(ctx context.Context, account, name string, set *policyeval.Set) error {
	if account != s.cfg.Account {
		return nil
	}
	if m, err := s.getRepo(ctx, name); err == nil && m.Policy != "" {
		p, err := s.compiled(m.Policy, policyeval.KindRepository)
		if err != nil {
			return err
		}
		set.Resource = p
	} else if err != nil && !errors.Is(err, errNoRepository) {
		return err
	}
	rm, err := s.getRegistryMeta(ctx)
	if err != nil {
		return err
	}
	if rm.Policy != "" {
		p, err := s.compiled(rm.Policy, policyeval.KindRegistry)
		if err != nil {
			return err
		}
		set.Registry = p
	}
	return nil
}

// policyCache keeps compiled policies by text: a stored policy is parsed
// once, not on every request. Texts are bounded (10 KiB) and few.
type policyCache struct {
	mu sync.Mutex
	m  map[string]*policyeval.Policy
}

func (s *Service) compiled(text string, kind policyeval.Kind) (*policyeval.Policy, error) {
	key := fmt.Sprint(int(kind)) + "\x00" + text
	s.policies.mu.Lock()
	defer s.policies.mu.Unlock()
	if p, ok := s.policies.m[key]; ok {
		return p, nil
	}
	p, err := policyeval.Parse([]byte(text), kind)
	if err != nil {
		return nil, fmt.Errorf("stored %s policy no longer parses: %w", kind, err)
	}
	if s.policies.m == nil || len(s.policies.m) > 1024 {
		s.policies.m = map[string]*policyeval.Policy{}
	}
	s.policies.m[key] = p
	return p, nil
}

// compileIdentities parses each identity's policies once, by principal.
func compileIdentities(ids []Identity) (map[string][]*policyeval.Policy, error) {
	out := map[string][]*policyeval.Policy{}
	var errs []error
	for i, id := range ids {
		for j, doc := range id.Policies {
			p, err := policyeval.Parse([]byte(doc), policyeval.KindIdentity)
			if err != nil {
				errs = append(errs, fmt.Errorf("identities[%d].policies[%d]: %w", i, j, err))
				continue
			}
			out[id.Principal] = append(out[id.Principal], p)
		}
	}
	return out, errors.Join(errs...)
}

// deniedRegistry renders a denial on the registry API (ECR-FACTS E4).
func deniedRegistry(e *DeniedError) *RegistryError {
	return &RegistryError{Code: "DENIED", Message: e.Message, Status: http.StatusForbidden}
}

// deniedAPI renders a denial on the ECR API (ECR-FACTS F5).
func deniedAPI(e *DeniedError) *APIError {
	return &APIError{Type: "AccessDeniedException", Message: e.Message}
}
