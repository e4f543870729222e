package registry

import (
	"fmt"

	"github.com/ecrlink/ecrlink/registry/identity"
)

// Identity is an access key and the principal it authenticates as, with
// its identity policies and tags (see package identity).
type Identity = identity.Identity

// SetIdentities replaces the Service's identities at run time; requests
// already authenticated finish with the table they started with. On error
// nothing changes.
func (s *Service) SetIdentities(ids []Identity) error {
	t, err := identity.New(ids)
	if err != nil {
		return fmt.Errorf("registry identities: %w", err)
	}
	s.identities.Store(t)
	return nil
}

// SetOnlyIdentities is SetIdentities, but a key not listed is refused as
// ECR refuses a key IAM does not know (UnrecognizedClientException).
func (s *Service) SetOnlyIdentities(ids []Identity) error {
	t, err := identity.New(ids)
	if err != nil {
		return fmt.Errorf("registry identities: %w", err)
	}
	t.Exclusive = true
	s.identities.Store(t)
	return nil
}

// identity looks up an access key in the current table; exclusive says
// whether a key it does not list is refused.
func (s *Service) identity(accessKeyID string) (id Identity, ok, exclusive bool) {
	t := s.identities.Load()
	id, ok = t.Key(accessKeyID)
	return id, ok, t.Exclusive
}

// principal returns what authorization knows of principal: its identity
// policies and tags, or nil for a principal no identity names.
func (s *Service) principal(principal string) *identity.Principal {
	return s.identities.Load().Principal(principal)
}
