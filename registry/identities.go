package registry

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ecrlink/ecrlink/policyeval"
)

// Identity is an access key and the principal it authenticates as.
type Identity struct {
	AccessKeyID     string
	SecretAccessKey string // empty: the signature is not verified
	Principal       string // an IAM user, role session or root ARN
	// Policies are the principal's identity-based policy documents. A
	// principal other than the account root with none may do only what a
	// resource policy grants it.
	Policies []string
	// Tags are the principal's tags, seen by policies as
	// aws:PrincipalTag/KEY.
	Tags map[string]string
}

// identityTable is the Service's identities, compiled once and replaced
// whole (SetIdentities), so a request sees one consistent table.
type identityTable struct {
	byKey       map[string]Identity
	byPrincipal map[string]*principalFacts
}

// principalFacts are what authorization needs of a principal.
type principalFacts struct {
	policies []*policyeval.Policy
	tags     map[string]string
}

// newIdentityTable validates and compiles ids; every error names its entry.
func newIdentityTable(ids []Identity) (*identityTable, error) {
	t := &identityTable{byKey: map[string]Identity{}, byPrincipal: map[string]*principalFacts{}}
	var errs []error
	for i, id := range ids {
		switch {
		case id.AccessKeyID == "":
			errs = append(errs, fmt.Errorf("identities[%d]: accessKeyId is empty", i))
		case t.byKey[id.AccessKeyID].AccessKeyID != "":
			errs = append(errs, fmt.Errorf("identities[%d]: access key %q listed twice", i, id.AccessKeyID))
		}
		if !strings.HasPrefix(id.Principal, "arn:") {
			errs = append(errs, fmt.Errorf("identities[%d]: principal %q is not an ARN", i, id.Principal))
		}
		t.byKey[id.AccessKeyID] = id
		facts := t.byPrincipal[id.Principal]
		if facts == nil {
			facts = &principalFacts{tags: map[string]string{}}
			t.byPrincipal[id.Principal] = facts
		}
		for k, v := range id.Tags {
			facts.tags[k] = v
		}
		for j, doc := range id.Policies {
			p, err := policyeval.Parse([]byte(doc), policyeval.KindIdentity)
			if err != nil {
				errs = append(errs, fmt.Errorf("identities[%d].policies[%d]: %w", i, j, err))
				continue
			}
			facts.policies = append(facts.policies, p)
		}
	}
	return t, errors.Join(errs...)
}

// SetIdentities replaces the Service's identities at run time; requests
// already authenticated finish with the table they started with. On error
// nothing changes.
func (s *Service) SetIdentities(ids []Identity) error {
	t, err := newIdentityTable(ids)
	if err != nil {
		return fmt.Errorf("registry identities: %w", err)
	}
	s.identities.Store(t)
	return nil
}

// identity looks up an access key in the current table.
func (s *Service) identity(accessKeyID string) (Identity, bool) {
	id, ok := s.identities.Load().byKey[accessKeyID]
	return id, ok
}

// principal returns what authorization knows of principal: its identity
// policies and tags, or nil for a principal no identity names.
func (s *Service) principal(principal string) *principalFacts {
	return s.identities.Load().byPrincipal[principal]
}
