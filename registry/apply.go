package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/policyeval"
)

// This file is how a scenario sets what ECR would hold: registries,
// repositories and their settings, and policies, all applied while
// requests run (identities and the token lifetime are Settings, stamped
// on each request: identities.go).

// RepositorySpec is a repository as a scenario states it.
type RepositorySpec struct {
	Name string
	// TagMutability is MUTABLE, IMMUTABLE or their _WITH_EXCLUSION forms;
	// empty means MUTABLE.
	TagMutability string
	// Policy is the repository policy's text; empty means none.
	Policy string
}

// ApplyRepository creates the repository in registry id if it is missing
// and sets its tag mutability and policy to spec's, as ECR would after
// CreateRepository, PutImageTagMutability and SetRepositoryPolicy (or
// DeleteRepositoryPolicy). Images it holds are kept.
func (s *Service) ApplyRepository(ctx context.Context, id awsname.Registry, spec RepositorySpec) error {
	g, ok := s.lookup(id)
	if !ok {
		return fmt.Errorf("registry %s in %s is not served", id.Account, id.Region)
	}
	if spec.TagMutability == "" {
		spec.TagMutability = mutable
	}
	if err := errors.Join(validRepositoryName("repositoryName", spec.Name), checkMutability(spec.TagMutability, nil)); err != nil {
		return fmt.Errorf("repository %s: %w", spec.Name, err)
	}
	policy, err := policyText(policyeval.KindRepository, spec.Policy)
	if err != nil {
		return fmt.Errorf("repository %s policy: %w", spec.Name, err)
	}
	unlock, err := g.lockRepo(ctx, spec.Name)
	if err != nil {
		return err
	}
	defer unlock()
	g.metaMu.Lock()
	defer g.metaMu.Unlock()
	m, err := g.getRepo(ctx, spec.Name)
	if errors.Is(err, errNoRepository) {
		m, err = &repoMeta{Name: spec.Name, CreatedAt: s.cfg.Now(), EncryptionType: "AES256"}, nil
	}
	if err != nil {
		return err
	}
	m.TagMutability, m.ExclusionFilters, m.Policy = spec.TagMutability, nil, policy
	return g.putRepo(ctx, m)
}

// ApplyRegistryPolicy sets registry id's policy; empty removes it.
func (s *Service) ApplyRegistryPolicy(ctx context.Context, id awsname.Registry, text string) error {
	g, ok := s.lookup(id)
	if !ok {
		return fmt.Errorf("registry %s in %s is not served", id.Account, id.Region)
	}
	policy, err := policyText(policyeval.KindRegistry, text)
	if err != nil {
		return fmt.Errorf("registry policy: %w", err)
	}
	_, err = g.updateRegistryMeta(ctx, func(m *registryMeta) error {
		m.Policy = policy
		return nil
	})
	return err
}

// policyText validates a policy of kind as ECR's API would and returns it
// as ECR stores it.
func policyText(kind policyeval.Kind, text string) (string, error) {
	if text == "" {
		return "", nil
	}
	if err := validatePolicyText(kind, text); err != nil {
		return "", err
	}
	return jacksonPretty(text), nil
}
