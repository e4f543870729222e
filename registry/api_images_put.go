package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/distribution/distribution/v3"
	"github.com/opencontainers/go-digest"
)

type putImageIn struct {
	RegistryID             string  `json:"registryId"`
	RepositoryName         string  `json:"repositoryName"`
	ImageManifest          string  `json:"imageManifest"`
	ImageManifestMediaType string  `json:"imageManifestMediaType"`
	ImageTag               *string `json:"imageTag"`
	ImageDigest            *string `json:"imageDigest"`
}

// tag returns the requested tag, "" for none.
func (in *putImageIn) tag() string {
	if in.ImageTag == nil {
		return ""
	}
	return *in.ImageTag
}

// errInvalidManifest is what ECR answers for a manifest it cannot parse,
// and also for one with no mediaType when the request names none either
// (aws/aws-sdk#193, boto/boto3#3295).
var errInvalidManifest = invalidParam("ImageManifest", "Invalid JSON syntax")

func putImage(ctx context.Context, s *registry, body []byte) (any, error) {
	var in putImageIn
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	mediaType, err := manifestMediaType(in.ImageManifest, in.ImageManifestMediaType)
	if err != nil {
		return nil, err
	}
	raw := []byte(in.ImageManifest)
	if checkManifest(raw) != nil {
		return nil, errInvalidManifest
	}
	d := digest.FromBytes(raw)
	if in.ImageDigest != nil && *in.ImageDigest != d.String() {
		return nil, apiErr("ImageDigestDoesNotMatchException",
			"The image digest '%s' does not match the digest '%s' that Amazon ECR calculated for the image manifest", *in.ImageDigest, d)
	}
	if err := s.storeImage(ctx, m, raw, mediaType, in.tag()); err != nil {
		return nil, err
	}
	return map[string]any{"image": imageOut{
		RegistryID:             s.account,
		RepositoryName:         m.Name,
		ImageID:                imageID{d.String(), in.tag()},
		ImageManifest:          in.ImageManifest,
		ImageManifestMediaType: mediaType,
	}}, nil
}

// check validates PutImage's shape (ECR-FACTS §2.3).
func (in *putImageIn) check() error {
	if in.ImageTag != nil {
		if err := checkImageTag("imageTag", *in.ImageTag); err != nil {
			return err
		}
	}
	switch {
	case len(in.ImageManifest) < 1 || len(in.ImageManifest) > maxManifestSize:
		return invalidParam("imageManifest", "Member must have length between 1 and 4194304")
	case in.ImageDigest != nil && !validDigest(*in.ImageDigest):
		return invalidParam("imageDigest", "must satisfy regular expression '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'")
	case len(in.ImageManifestMediaType) > 255:
		return invalidParam("imageManifestMediaType", "Member must have length less than or equal to 255")
	}
	return nil
}

// manifestMediaType is the media type a manifest is stored under: the
// request's, else the manifest's own. Both must agree when both are given.
func manifestMediaType(manifest, requested string) (string, error) {
	var doc manifestDoc
	if err := json.Unmarshal([]byte(manifest), &doc); err != nil {
		return "", errInvalidManifest
	}
	switch {
	case requested == "" && doc.MediaType == "":
		return "", errInvalidManifest
	case requested == "":
		return doc.MediaType, nil
	case doc.MediaType != "" && doc.MediaType != requested:
		return "", invalidParam("imageManifestMediaType", "Manifest media type does not match the mediaType of the image manifest")
	}
	return requested, nil
}

// storeImage links the manifest into the repository and points tag at it,
// under the repository lock so that tag immutability holds against
// concurrent pushes on either API, and against a delete or a change of
// mutability since m was read.
func (s *registry) storeImage(ctx context.Context, m *repoMeta, raw []byte, mediaType, tag string) error {
	manifest, desc, err := distribution.UnmarshalManifest(mediaType, raw)
	if err != nil {
		return errInvalidManifest
	}
	err = s.writeLocked(ctx, m.Name, "", func(cur *repoMeta) error {
		if !sameRepository(m, cur) {
			return fmt.Errorf("%s: %w", m.Name, errNoRepository)
		}
		return s.storeLocked(ctx, cur, manifest, desc, mediaType, tag)
	})
	if errors.Is(err, errNoRepository) {
		return repositoryNotFound(m.Name, s.account)
	}
	return err
}

// storeLocked is storeImage's write, under the repository lock, checked
// against the repository's current record m.
func (s *registry) storeLocked(ctx context.Context, m *repoMeta, manifest distribution.Manifest, desc distribution.Descriptor, mediaType, tag string) error {
	repo, err := s.repository(ctx, m.Name)
	if err != nil {
		return err
	}
	if err := s.checkTagMove(ctx, repo, m, tag, desc.Digest); err != nil {
		// Same text as the registry API's TAG_INVALID (ECR-FACTS §2.2, G4).
		var re *RegistryError
		if errors.As(err, &re) {
			return apiErr("ImageTagAlreadyExistsException", "%s", re.Message)
		}
		return err
	}
	ms, err := repo.Manifests(ctx)
	if err != nil {
		return err
	}
	if err := s.checkAlreadyExists(ctx, repo, ms, m.Name, tag, desc.Digest); err != nil {
		return err
	}
	if _, err := ms.Put(ctx, manifest); err != nil {
		return s.putManifestError(err, m.Name, mediaType)
	}
	if tag == "" {
		return nil
	}
	return repo.Tags(ctx).Tag(ctx, tag, desc)
}

// checkAlreadyExists is ImageAlreadyExistsException: the manifest is there
// and the push would change nothing (ECR-FACTS §2.2).
func (s *registry) checkAlreadyExists(ctx context.Context, repo distribution.Repository, ms distribution.ManifestService, name, tag string, d digest.Digest) error {
	exists, err := ms.Exists(ctx, d)
	if err != nil && !isNotFound(err) {
		return err
	}
	if !exists {
		return nil
	}
	shown := "null"
	if tag != "" {
		cur, err := repo.Tags(ctx).Get(ctx, tag)
		if err != nil || cur.Digest != d {
			return nil // the push moves or adds a tag
		}
		shown = tag
	}
	return apiErr("ImageAlreadyExistsException",
		"Image with digest '%s' and tag '%s' already exists in the repository with name '%s' in registry with id '%s'",
		d, shown, name, s.account)
}

// putManifestError turns distribution's verification failure into ECR's:
// missing blobs are LayersNotFoundException, missing images of an index
// ReferencedImagesNotFoundException [I: texts not captured from AWS].
func (s *registry) putManifestError(err error, name, mediaType string) error {
	var ve distribution.ErrManifestVerification
	if !errors.As(err, &ve) {
		return err
	}
	var missing []string
	for _, e := range ve {
		var bu distribution.ErrManifestBlobUnknown
		if errors.As(e, &bu) {
			missing = append(missing, bu.Digest.String())
		}
	}
	if len(missing) == 0 {
		return errInvalidManifest
	}
	list := "[" + strings.Join(missing, ", ") + "]"
	if isIndexType(mediaType) {
		return apiErr("ReferencedImagesNotFoundException",
			"Images with digests '%s' referenced by the manifest list do not exist in the repository with name '%s' in the registry with id '%s'",
			list, name, s.account)
	}
	return apiErr("LayersNotFoundException",
		"Layers with digests '%s' required for pushing image into repository with name '%s' in the registry with id '%s' do not exist",
		list, name, s.account)
}

func isIndexType(mediaType string) bool {
	return mediaType == "application/vnd.oci.image.index.v1+json" ||
		mediaType == "application/vnd.docker.distribution.manifest.list.v2+json"
}
