package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"

	"github.com/distribution/distribution/v3"
	"github.com/opencontainers/go-digest"
)

// Tag mutability settings (ECR-FACTS §2.3).
const (
	mutable                = "MUTABLE"
	immutable              = "IMMUTABLE"
	immutableWithExclusion = "IMMUTABLE_WITH_EXCLUSION"
	mutableWithExclusion   = "MUTABLE_WITH_EXCLUSION"
)

// tagImmutable reports whether tag may not be moved in repository m:
// IMMUTABLE tags never move; *_WITH_EXCLUSION flips the rule for tags
// matching one of the wildcard filters.
func (m *repoMeta) tagImmutable(tag string) bool {
	excluded := false
	for _, f := range m.ExclusionFilters {
		if ok, _ := path.Match(f.Filter, tag); ok {
			excluded = true
			break
		}
	}
	switch m.TagMutability {
	case immutable:
		return true
	case immutableWithExclusion:
		return !excluded
	case mutableWithExclusion:
		return excluded
	}
	return false
}

// errTagImmutable is what the registry API answers (ECR-FACTS G4).
func errTagImmutable(tag, repo string) *RegistryError {
	return regErr(http.StatusBadRequest, "TAG_INVALID",
		"The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.", tag, repo)
}

// checkTagMove returns errTagImmutable's text when moving tag to d would
// overwrite an immutable tag. The caller holds the repository lock.
func (s *registry) checkTagMove(ctx context.Context, repo distribution.Repository, m *repoMeta, tag string, d digest.Digest) error {
	if tag == "" || !m.tagImmutable(tag) {
		return nil
	}
	cur, err := repo.Tags(ctx).Get(ctx, tag)
	var unknown distribution.ErrTagUnknown
	switch {
	case errors.As(err, &unknown):
		return nil // the tag is new
	case err != nil:
		// Not knowing where an immutable tag points is no licence to move it.
		return fmt.Errorf("reading tag %s of %s: %w", tag, m.Name, err)
	case cur.Digest == d:
		return nil // the tag stays where it is
	}
	return errTagImmutable(tag, m.Name)
}
