package registry

import (
	"context"
	"slices"

	"github.com/opencontainers/go-digest"
)

// imageID is ECR's ImageIdentifier as the service writes it.
type imageID struct {
	ImageDigest string `json:"imageDigest,omitempty"`
	ImageTag    string `json:"imageTag,omitempty"`
}

// imageIDIn is an ImageIdentifier as a client sent it: pointers, so that an
// empty tag is told from an absent one.
type imageIDIn struct {
	ImageDigest *string `json:"imageDigest"`
	ImageTag    *string `json:"imageTag"`
}

// echo is the identifier as it is reported back in a failure.
func (id imageIDIn) echo() imageID {
	var out imageID
	if id.ImageDigest != nil {
		out.ImageDigest = *id.ImageDigest
	}
	if id.ImageTag != nil {
		out.ImageTag = *id.ImageTag
	}
	return out
}

type imageFailure struct {
	ImageID       imageID `json:"imageId"`
	FailureCode   string  `json:"failureCode"`
	FailureReason string  `json:"failureReason"`
}

// Failure reasons of BatchGetImage and BatchDeleteImage. "Requested image
// not found" is ECR's (ECR-FACTS G3); the "Invalid request parameters"
// family is as reported by clients of the real service (getmoto/moto
// tests, localstack snapshot tests) [I].
const (
	reasonNotFound       = "Requested image not found"
	reasonMissingID      = "Invalid request parameters: both tag and digest cannot be null"
	reasonInvalidDigest  = "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'"
	reasonInvalidTag     = "Invalid request parameters: image tag should have length between 1 and 300"
	reasonTagDigestDiffs = "Invalid request parameters: given tag does not map to the given digest"
)

func failure(id imageIDIn, code, reason string) *imageFailure {
	return &imageFailure{ImageID: id.echo(), FailureCode: code, FailureReason: reason}
}

// checkImageID returns the failure ECR reports for a malformed identifier.
func checkImageID(id imageIDIn) *imageFailure {
	switch {
	case id.ImageDigest == nil && id.ImageTag == nil:
		return failure(id, "MissingDigestAndTag", reasonMissingID)
	case id.ImageDigest != nil && !validDigest(*id.ImageDigest):
		return failure(id, "InvalidImageDigest", reasonInvalidDigest)
	case id.ImageTag != nil && !validTag(*id.ImageTag):
		return failure(id, "InvalidImageTag", reasonInvalidTag)
	}
	return nil
}

// checkImageIDList applies the model's ImageIdentifierList bounds.
func checkImageIDList(ids []imageIDIn) error {
	if len(ids) < 1 || len(ids) > 100 {
		return invalidParam("imageIds", "Member must have length between 1 and 100")
	}
	return nil
}

// catalog is one repository's images, indexed for the lookups the image
// operations make.
type catalog struct {
	images   []*image // sorted by digest
	byDigest map[digest.Digest]*image
	byTag    map[string]*image
}

func (s *registry) loadCatalog(ctx context.Context, name string) (*catalog, error) {
	images, err := s.listImages(ctx, name)
	if err != nil {
		return nil, err
	}
	c := &catalog{images: images, byDigest: map[digest.Digest]*image{}, byTag: map[string]*image{}}
	for _, img := range images {
		c.byDigest[img.Digest] = img
		for _, t := range img.Tags {
			c.byTag[t] = img
		}
	}
	return c, nil
}

// find resolves a well-formed identifier: a tag wins, and a digest given
// beside it must be the tag's.
func (c *catalog) find(id imageIDIn) (*image, *imageFailure) {
	if id.ImageTag != nil {
		img, ok := c.byTag[*id.ImageTag]
		if !ok {
			return nil, failure(id, "ImageNotFound", reasonNotFound)
		}
		if id.ImageDigest != nil && string(img.Digest) != *id.ImageDigest {
			return nil, failure(id, "ImageTagDoesNotMatchDigest", reasonTagDigestDiffs)
		}
		return img, nil
	}
	img, ok := c.byDigest[digest.Digest(*id.ImageDigest)]
	if !ok {
		return nil, failure(id, "ImageNotFound", reasonNotFound)
	}
	return img, nil
}

// parents maps each manifest to the indexes in the repository that list it.
func (c *catalog) parents() map[digest.Digest][]digest.Digest {
	out := map[digest.Digest][]digest.Digest{}
	for _, img := range c.images {
		for _, child := range img.Children {
			out[child] = append(out[child], img.Digest)
		}
	}
	return out
}

// imageOut is ECR's Image shape.
type imageOut struct {
	RegistryID             string  `json:"registryId"`
	RepositoryName         string  `json:"repositoryName"`
	ImageID                imageID `json:"imageId"`
	ImageManifest          string  `json:"imageManifest"`
	ImageManifestMediaType string  `json:"imageManifestMediaType,omitempty"`
}

func batchGetImage(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID         string      `json:"registryId"`
		RepositoryName     string      `json:"repositoryName"`
		ImageIDs           []imageIDIn `json:"imageIds"`
		AcceptedMediaTypes []string    `json:"acceptedMediaTypes"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkImageIDList(in.ImageIDs); err != nil {
		return nil, err
	}
	if in.AcceptedMediaTypes != nil && (len(in.AcceptedMediaTypes) < 1 || len(in.AcceptedMediaTypes) > 100) {
		return nil, invalidParam("acceptedMediaTypes", "Member must have length between 1 and 100")
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	c, err := s.loadCatalog(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	repo, err := s.repository(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	images, failures := []imageOut{}, []imageFailure{}
	seen := map[imageID]bool{}
	for _, id := range in.ImageIDs {
		img, f := c.resolve(id)
		if f == nil && in.AcceptedMediaTypes != nil && !slices.Contains(in.AcceptedMediaTypes, img.MediaType) {
			// ECR converts docker v2 to schema 1 for old clients;
			// ecrlink stores no schema 1 and reports what the registry
			// API answers for an unacceptable type: not found [I].
			f = failure(id, "ImageNotFound", reasonNotFound)
		}
		if f != nil {
			failures = append(failures, *f)
			continue
		}
		raw, err := s.readManifest(ctx, repo, img.Digest)
		if isNotFound(err) {
			failures = append(failures, *failure(id, "ImageNotFound", reasonNotFound))
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, iid := range idsOf(img, id) {
			if seen[iid] {
				continue
			}
			seen[iid] = true
			images = append(images, imageOut{s.account, m.Name, iid, string(raw), img.MediaType})
		}
	}
	return map[string]any{"images": images, "failures": failures}, nil
}

// resolve checks and finds one identifier.
func (c *catalog) resolve(id imageIDIn) (*image, *imageFailure) {
	if f := checkImageID(id); f != nil {
		return nil, f
	}
	return c.find(id)
}

// idsOf is how BatchGetImage names a found image: by the tag asked for, or,
// asked by digest, once per tag it carries (as ECR answers, per localstack's
// AWS-validated tests) [I].
func idsOf(img *image, asked imageIDIn) []imageID {
	if asked.ImageTag != nil {
		return []imageID{{string(img.Digest), *asked.ImageTag}}
	}
	if len(img.Tags) == 0 {
		return []imageID{{ImageDigest: string(img.Digest)}}
	}
	out := make([]imageID, 0, len(img.Tags))
	for _, t := range img.Tags {
		out = append(out, imageID{string(img.Digest), t})
	}
	return out
}
