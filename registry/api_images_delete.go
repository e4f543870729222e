package registry

import (
	"context"
	"slices"
	"strings"

	"github.com/distribution/distribution/v3"
	"github.com/opencontainers/go-digest"
)

func batchDeleteImage(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string      `json:"registryId"`
		RepositoryName string      `json:"repositoryName"`
		ImageIDs       []imageIDIn `json:"imageIds"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkImageIDList(in.ImageIDs); err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	unlock, err := s.lockRepo(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	d, err := s.newDeleter(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	deleted, failures := []imageID{}, []imageFailure{}
	for _, id := range in.ImageIDs {
		ids, f, err := d.delete(ctx, id)
		if err != nil {
			return nil, err
		}
		if f != nil {
			failures = append(failures, *f)
		}
		deleted = append(deleted, ids...)
	}
	return map[string]any{"imageIds": deleted, "failures": failures}, nil
}

// deleter applies one BatchDeleteImage request to a repository, keeping
// its catalog current so that later identifiers see earlier deletions.
type deleter struct {
	c       *catalog
	parents map[digest.Digest][]digest.Digest
	repo    distribution.Repository
	ms      distribution.ManifestService
}

func (s *registry) newDeleter(ctx context.Context, name string) (*deleter, error) {
	c, err := s.loadCatalog(ctx, name)
	if err != nil {
		return nil, err
	}
	repo, err := s.repository(ctx, name)
	if err != nil {
		return nil, err
	}
	ms, err := repo.Manifests(ctx)
	if err != nil {
		return nil, err
	}
	return &deleter{c: c, parents: c.parents(), repo: repo, ms: ms}, nil
}

// delete removes what id names. A tag goes alone unless it is the image's
// last, when the image goes with it; a digest takes the image and all its
// tags (ECR-FACTS §2.3). An image that an index in the repository lists
// stays, as in ECR, which answers "delete this tag" with the same refusal
// when the tag is the image's only one.
func (d *deleter) delete(ctx context.Context, id imageIDIn) ([]imageID, *imageFailure, error) {
	img, f := d.c.resolve(id)
	if f != nil {
		return nil, f, nil
	}
	if id.ImageTag != nil && len(img.Tags) > 1 {
		if err := d.repo.Tags(ctx).Untag(ctx, *id.ImageTag); err != nil {
			return nil, nil, err
		}
		d.dropTag(img, *id.ImageTag)
		return []imageID{{string(img.Digest), *id.ImageTag}}, nil, nil
	}
	if parents := d.parents[img.Digest]; len(parents) > 0 {
		list := make([]string, len(parents))
		for i, p := range parents {
			list[i] = p.String()
		}
		// ECR's text, e.g. in lifecycle failures and oras output.
		return nil, failure(id, "ImageReferencedByManifestList",
			"Requested image referenced by manifest list: ["+strings.Join(list, ", ")+"]"), nil
	}
	ids := idsOf(img, imageIDIn{ImageDigest: id.ImageDigest})
	for _, t := range slices.Clone(img.Tags) {
		if err := d.repo.Tags(ctx).Untag(ctx, t); err != nil {
			return nil, nil, err
		}
		d.dropTag(img, t)
	}
	if err := d.ms.Delete(ctx, img.Digest); err != nil && !isNotFound(err) {
		return nil, nil, err
	}
	d.dropImage(img)
	return ids, nil, nil
}

func (d *deleter) dropTag(img *image, tag string) {
	img.Tags = slices.DeleteFunc(img.Tags, func(t string) bool { return t == tag })
	delete(d.c.byTag, tag)
}

// dropImage forgets img, which frees the images it listed, if an index.
func (d *deleter) dropImage(img *image) {
	delete(d.c.byDigest, img.Digest)
	for _, child := range img.Children {
		d.parents[child] = slices.DeleteFunc(d.parents[child], func(p digest.Digest) bool { return p == img.Digest })
	}
}
