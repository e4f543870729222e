package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/distribution/distribution/v3"
	storagedriver "github.com/distribution/distribution/v3/registry/storage/driver"
	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// image is what ECR reports of one manifest in a repository.
type image struct {
	Digest            digest.Digest
	Tags              []string
	PushedAt          time.Time
	MediaType         string // imageManifestMediaType
	ArtifactMediaType string // the config's media type
	Size              int64  // imageSizeInBytes
	Subject           digest.Digest
	ArtifactType      string
	Annotations       map[string]string
	ManifestSize      int64
	Children          []digest.Digest // of an index
}

// manifestDoc is the union of the manifest fields ecrlink reads.
type manifestDoc struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType"`
	ArtifactType  string            `json:"artifactType"`
	Config        *descriptorDoc    `json:"config"`
	Layers        []descriptorDoc   `json:"layers"`
	Manifests     []descriptorDoc   `json:"manifests"`
	Subject       *descriptorDoc    `json:"subject"`
	Annotations   map[string]string `json:"annotations"`
	FSLayers      []json.RawMessage `json:"fsLayers"` // docker schema 1
}

type descriptorDoc struct {
	MediaType string        `json:"mediaType"`
	Digest    digest.Digest `json:"digest"`
	Size      int64         `json:"size"`
}

// mediaTypeOf returns a manifest's media type: its own field, else what
// its shape implies.
func (m *manifestDoc) mediaTypeOf(fallback string) string {
	switch {
	case m.MediaType != "":
		return m.MediaType
	case fallback != "":
		return fallback
	case m.Manifests != nil:
		return "application/vnd.oci.image.index.v1+json"
	case m.SchemaVersion == 1:
		return "application/vnd.docker.distribution.manifest.v1+prettyjws"
	}
	return "application/vnd.oci.image.manifest.v1+json"
}

func (s *registry) repository(ctx context.Context, name string) (distribution.Repository, error) {
	named, err := reference.WithName(name)
	if err != nil {
		return nil, fmt.Errorf("repository name %q: %w", name, err)
	}
	return s.ns.Repository(ctx, named)
}

// isNotFound reports whether err says the repository has no storage yet,
// which for an ECR repository created but never pushed to means "empty".
func isNotFound(err error) bool {
	var ru distribution.ErrRepositoryUnknown
	var tu distribution.ErrTagUnknown
	var mu distribution.ErrManifestUnknownRevision
	var mu2 distribution.ErrManifestUnknown
	return errors.As(err, &ru) || errors.As(err, &tu) || errors.As(err, &mu) || errors.As(err, &mu2) ||
		errors.Is(err, distribution.ErrBlobUnknown) || isPathNotFound(err)
}

// listImages returns every manifest in the repository with its tags,
// sorted by digest.
func (s *registry) listImages(ctx context.Context, name string) ([]*image, error) {
	repo, err := s.repository(ctx, name)
	if err != nil {
		return nil, err
	}
	ms, err := repo.Manifests(ctx)
	if err != nil {
		return nil, err
	}
	enum, ok := ms.(distribution.ManifestEnumerator)
	if !ok {
		return nil, errors.New("manifest service cannot enumerate")
	}
	byDigest := map[digest.Digest]*image{}
	err = enum.Enumerate(ctx, func(d digest.Digest) error {
		byDigest[d] = &image{Digest: d}
		return nil
	})
	if err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("enumerate %s: %w", name, err)
	}
	if err := s.attachTags(ctx, repo, byDigest); err != nil {
		return nil, err
	}
	out := make([]*image, 0, len(byDigest))
	for _, img := range byDigest {
		if err := s.describe(ctx, repo, img); err != nil {
			if isNotFound(err) {
				continue // deleted while we listed
			}
			return nil, err
		}
		out = append(out, img)
	}
	slices.SortFunc(out, func(a, b *image) int { return strings.Compare(string(a.Digest), string(b.Digest)) })
	return out, nil
}

func (s *registry) attachTags(ctx context.Context, repo distribution.Repository, byDigest map[digest.Digest]*image) error {
	ts := repo.Tags(ctx)
	tags, err := ts.All(ctx)
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("tags: %w", err)
	}
	for _, t := range tags {
		desc, err := ts.Get(ctx, t)
		if err != nil {
			continue // untagged meanwhile
		}
		if img, ok := byDigest[desc.Digest]; ok {
			img.Tags = append(img.Tags, t)
		}
	}
	for _, img := range byDigest {
		slices.Sort(img.Tags)
	}
	return nil
}

// readManifest returns the raw manifest bytes of d in repo.
func (s *registry) readManifest(ctx context.Context, repo distribution.Repository, d digest.Digest) ([]byte, error) {
	ms, err := repo.Manifests(ctx)
	if err != nil {
		return nil, err
	}
	if ok, err := ms.Exists(ctx, d); err != nil || !ok {
		if err == nil {
			err = distribution.ErrManifestUnknownRevision{Name: repo.Named().Name(), Revision: d}
		}
		return nil, err
	}
	// The layer blob store would not find it: a manifest is linked among
	// the revisions, not the layers. Its bytes are the blob's.
	raw, err := s.driver.GetContent(ctx, blobDataPath(d))
	if isPathNotFound(err) {
		return nil, distribution.ErrManifestUnknownRevision{Name: repo.Named().Name(), Revision: d}
	}
	return raw, err
}

// describe fills img's media types, sizes, subject and push time.
func (s *registry) describe(ctx context.Context, repo distribution.Repository, img *image) error {
	raw, err := s.readManifest(ctx, repo, img.Digest)
	if err != nil {
		return err
	}
	var m manifestDoc
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("manifest %s: %w", img.Digest, err)
	}
	img.MediaType = m.mediaTypeOf("")
	img.ManifestSize = int64(len(raw))
	img.ArtifactType = m.ArtifactType
	img.Annotations = m.Annotations
	if m.Config != nil {
		img.ArtifactMediaType = m.Config.MediaType
	}
	if m.Subject != nil {
		img.Subject = m.Subject.Digest
	}
	for _, l := range m.Layers {
		img.Size += l.Size
	}
	for _, c := range m.Manifests {
		img.Children = append(img.Children, c.Digest)
	}
	if len(m.Manifests) > 0 {
		img.Size = s.indexSize(ctx, repo, m.Manifests)
	}
	img.PushedAt = s.pushedAt(ctx, repo.Named().Name(), img.Digest)
	return nil
}

// indexSize is ECR's size for a manifest list: the largest of its images.
func (s *registry) indexSize(ctx context.Context, repo distribution.Repository, children []descriptorDoc) int64 {
	var largest int64
	for _, c := range children {
		raw, err := s.readManifest(ctx, repo, c.Digest)
		if err != nil {
			continue
		}
		var m manifestDoc
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		var n int64
		for _, l := range m.Layers {
			n += l.Size
		}
		largest = max(largest, n)
	}
	return largest
}

// pushedAt is the time distribution linked the manifest into the
// repository, which every process sharing the storage sees alike.
func (s *registry) pushedAt(ctx context.Context, name string, d digest.Digest) time.Time {
	p := path.Join("/docker/registry/v2/repositories", name, "_manifests/revisions",
		d.Algorithm().String(), d.Encoded(), "link")
	fi, err := s.driver.Stat(ctx, p)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// deleteRepositoryStorage removes a repository's manifests, layer links and
// uploads, leaving nested repositories (name/child) alone.
func (s *registry) deleteRepositoryStorage(ctx context.Context, name string) error {
	base := path.Join("/docker/registry/v2/repositories", name)
	for _, sub := range []string{"_manifests", "_layers", "_uploads"} {
		err := s.driver.Delete(ctx, path.Join(base, sub))
		if err != nil && !isPathNotFound(err) {
			return fmt.Errorf("delete %s/%s: %w", name, sub, err)
		}
	}
	return nil
}

func isPathNotFound(err error) bool {
	var pnf storagedriver.PathNotFoundError
	return errors.As(err, &pnf)
}
