package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/reqinfo"

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
// policy, bounded by the policies of the endpoints the network decided the
// request came through. A request with no network decision is denied: no
// path was decided for it, so none may be assumed. Every decision goes to
// the request's observer.
func (s *Service) authorize(ctx context.Context, principal, action, resource string) error {
	req := policyeval.Request{Principal: principal, Action: action, Resource: resource, Now: s.cfg.Now()}
	info, ok := reqinfo.From(ctx)
	if !ok || info.Caller == nil {
		s.cfg.Logger.Error("registry: request without a network decision denied", "action", action, "resource", resource)
		return &DeniedError{Message: "User: " + principal + " is not authorized to perform: " + action +
			" on resource: " + resource + " because no network path was decided for the request"}
	}
	set := policyeval.Set{Endpoint: info.Caller.EndpointPolicies}
	var tags, resourceTags []resourceTag
	if facts := s.principal(ctx, principal); facts != nil {
		set.Identity = facts.Policies
		for k, v := range facts.Tags {
			tags = append(tags, resourceTag{"aws:PrincipalTag/" + k, v})
		}
	}
	if repo, ok := awsname.ParseRepositoryARN(resource); ok {
		req.ResourceAccount = repo.Account
		if g, ok := s.lookup(repo.Registry()); ok {
			var err error
			if resourceTags, err = g.resourcePolicies(ctx, repo.Name, &set); err != nil {
				return err
			}
		}
	}
	for _, t := range resourceTags {
		tags = append(tags, resourceTag{"aws:ResourceTag/" + t.Key, t.Value}, resourceTag{"ecr:ResourceTag/" + t.Key, t.Value})
	}
	req.Context = withKeys(info.Caller.Context, tags)
	d := policyeval.Evaluate(&req, &set)
	a := reqinfo.Authorization{Principal: principal, Action: action, Resource: resource, Decision: d,
		Policies: reqinfo.RefsOf(&set, reqinfo.PolicyNames{Identity: principal, Resource: resource,
			Registry: req.ResourceAccount, Endpoint: info.Caller.VPCEndpointID})}
	if !d.Allowed() {
		a.Message = d.Message(&req)
	}
	reqinfo.Report(ctx, a)
	if d.Allowed() {
		return nil
	}
	return &DeniedError{Message: a.Message, Decision: d}
}

// withKeys is the network's context with the principal's and the
// resource's tags added, cloned only when there are any.
func withKeys(c policyeval.Context, keys []resourceTag) policyeval.Context {
	if len(keys) == 0 {
		return c
	}
	c = c.Clone()
	for _, k := range keys {
		c.Set(k.Key, k.Value)
	}
	return c
}

// resourcePolicies adds the repository's and the registry's policies, and
// returns the repository's tags (ecr:ResourceTag/*).
func (s *registry) resourcePolicies(ctx context.Context, name string, set *policyeval.Set) ([]resourceTag, error) {
	m, err := s.getRepo(ctx, name)
	switch {
	case err != nil && !errors.Is(err, errNoRepository):
		return nil, err
	case err == nil && m.Policy != "":
		if set.Resource, err = s.compiled(m.Policy, policyeval.KindRepository); err != nil {
			return nil, err
		}
	}
	rm, err := s.getRegistryMeta(ctx)
	if err != nil {
		return nil, err
	}
	if rm.Policy != "" {
		if set.Registry, err = s.compiled(rm.Policy, policyeval.KindRegistry); err != nil {
			return nil, err
		}
	}
	if m == nil {
		return nil, nil
	}
	return m.Tags, nil
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

// deniedRegistry renders a denial on the registry API (ECR-FACTS E4).
func deniedRegistry(e *DeniedError) *RegistryError {
	return &RegistryError{Code: "DENIED", Message: e.Message, Status: http.StatusForbidden}
}

// deniedAPI renders a denial on the ECR API (ECR-FACTS F5).
func deniedAPI(e *DeniedError) *APIError {
	return &APIError{Type: "AccessDeniedException", Message: e.Message}
}
