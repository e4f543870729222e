package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/ecrlink/ecrlink/registry/identity"
)

// Identity is an access key and the principal it authenticates as, with
// its identity policies and tags (see package identity).
type Identity = identity.Identity

// Settings are what a scenario decides of ECR itself, beside its network:
// the identities and the token lifetime. A Settings never changes; a
// request reads the one it was stamped with (WithSettings), so a request
// under way keeps the identities its scenario had, whatever replaces them.
type Settings struct {
	identities    *identity.Table
	tokenLifetime time.Duration
}

// NewSettings compiles ids. With exclusive, a key not listed is refused
// as ECR refuses a key IAM does not know (UnrecognizedClientException);
// without, it acts as the account root, unverified. A zero lifetime is
// ECR's 12 hours.
func NewSettings(ids []Identity, exclusive bool, tokenLifetime time.Duration) (*Settings, error) {
	t, err := identity.New(ids)
	if err != nil {
		return nil, fmt.Errorf("registry identities: %w", err)
	}
	t.Exclusive = exclusive
	return &Settings{identities: t, tokenLifetime: tokenLifetime}, nil
}

type settingsKey struct{}

// WithSettings returns ctx carrying st for the requests the Service
// serves with it.
func WithSettings(ctx context.Context, st *Settings) context.Context {
	return context.WithValue(ctx, settingsKey{}, st)
}

// settings are the request's, else the Service's own (SetIdentities).
func (s *Service) settings(ctx context.Context) *Settings {
	if st, ok := ctx.Value(settingsKey{}).(*Settings); ok && st != nil {
		return st
	}
	return s.defaults.Load()
}

// SetIdentities replaces the identities of requests that carry no
// Settings of their own; on error nothing changes.
func (s *Service) SetIdentities(ids []Identity) error {
	st, err := NewSettings(ids, false, 0)
	if err != nil {
		return err
	}
	s.defaults.Store(st)
	return nil
}

// identity looks up an access key in the request's table; exclusive says
// whether a key it does not list is refused.
func (s *Service) identity(ctx context.Context, accessKeyID string) (id Identity, ok, exclusive bool) {
	t := s.settings(ctx).identities
	id, ok = t.Key(accessKeyID)
	return id, ok, t.Exclusive
}

// principal returns what authorization knows of principal: its identity
// policies and tags, or nil for a principal no identity names.
func (s *Service) principal(ctx context.Context, principal string) *identity.Principal {
	return s.settings(ctx).identities.Principal(principal)
}
