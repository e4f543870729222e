package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/distribution/distribution/v3"
	"github.com/opencontainers/go-digest"
)

// layerOut is ECR's Layer shape.
type layerOut struct {
	LayerDigest       string `json:"layerDigest"`
	LayerAvailability string `json:"layerAvailability"`
	LayerSize         int64  `json:"layerSize"`
	MediaType         string `json:"mediaType,omitempty"`
}

type layerFailure struct {
	LayerDigest   string `json:"layerDigest"`
	FailureCode   string `json:"failureCode"`
	FailureReason string `json:"failureReason"`
}

// checkLayerDigest parses a LayerDigest (ECR-FACTS §2.3) that distribution
// can also address.
func checkLayerDigest(s string) (digest.Digest, bool) {
	if !validDigest(s) {
		return "", false
	}
	d, err := digest.Parse(s)
	return d, err == nil
}

func batchCheckLayerAvailability(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string   `json:"registryId"`
		RepositoryName string   `json:"repositoryName"`
		LayerDigests   []string `json:"layerDigests"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.LayerDigests) < 1 || len(in.LayerDigests) > 100 {
		return nil, invalidParam("layerDigests", "Member must have length between 1 and 100")
	}
	for _, d := range in.LayerDigests {
		if len(d) > 1000 { // BatchedOperationLayerDigest
			return nil, invalidParam("layerDigests.member", "Member must have length less than or equal to 1000")
		}
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	repo, err := s.repository(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	layers, failures := []layerOut{}, []layerFailure{}
	var refs map[digest.Digest]descriptorDoc // read once, when first needed
	for _, raw := range in.LayerDigests {
		d, ok := checkLayerDigest(raw)
		if !ok {
			failures = append(failures, layerFailure{raw, "InvalidLayerDigest", "Invalid layer digest"})
			continue
		}
		desc, err := repo.Blobs(ctx).Stat(ctx, d)
		if isNotFound(err) {
			failures = append(failures, layerFailure{raw, "MissingLayerDigest", "Could not find the requested digest"})
			continue
		}
		if err != nil {
			return nil, err
		}
		if refs == nil {
			if refs, err = s.layerRefs(ctx, repo); err != nil {
				return nil, err
			}
		}
		// The media type is what the manifests call the blob (the AWS
		// CLI's example shows a config's); unreferenced blobs have none.
		layers = append(layers, layerOut{raw, "AVAILABLE", desc.Size, refs[d].MediaType})
	}
	return map[string]any{"layers": layers, "failures": failures}, nil
}

// layerRefs returns every blob (config or layer) that a manifest in repo
// references, with the descriptor it is referenced by.
func (s *registry) layerRefs(ctx context.Context, repo distribution.Repository) (map[digest.Digest]descriptorDoc, error) {
	ms, err := repo.Manifests(ctx)
	if err != nil {
		return nil, err
	}
	enum, ok := ms.(distribution.ManifestEnumerator)
	if !ok {
		return nil, errors.New("manifest service cannot enumerate")
	}
	refs := map[digest.Digest]descriptorDoc{}
	err = enum.Enumerate(ctx, func(md digest.Digest) error {
		raw, err := s.readManifest(ctx, repo, md)
		if isNotFound(err) {
			return nil // deleted while we looked
		}
		if err != nil {
			return err
		}
		var doc manifestDoc
		if json.Unmarshal(raw, &doc) != nil {
			return nil
		}
		if doc.Config != nil {
			refs[doc.Config.Digest] = *doc.Config
		}
		for _, l := range doc.Layers {
			refs[l.Digest] = l
		}
		return nil
	})
	if err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("enumerate %s: %w", repo.Named().Name(), err)
	}
	return refs, nil
}

func getDownloadURLForLayer(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string `json:"registryId"`
		RepositoryName string `json:"repositoryName"`
		LayerDigest    string `json:"layerDigest"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	d, ok := checkLayerDigest(in.LayerDigest)
	if !ok {
		return nil, invalidParam("layerDigest", "must satisfy regular expression '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'")
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	repo, err := s.repository(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	if _, err := repo.Blobs(ctx).Stat(ctx, d); isNotFound(err) {
		// Wording as reported from the service (monken/aws-ecr-public#11).
		return nil, apiErr("LayersNotFoundException",
			"The layer with digest '%s' does not exist within the repository with name '%s' in the registry with id '%s'", d, m.Name, s.account)
	} else if err != nil {
		return nil, err
	}
	refs, err := s.layerRefs(ctx, repo)
	if err != nil {
		return nil, err
	}
	if _, ok := refs[d]; !ok {
		// "You can only get URLs for image layers that are referenced in
		// an image" (ECR-FACTS §5).
		return nil, apiErr("LayerInaccessibleException",
			"The layer with digest '%s' is not referenced by any image in the repository with name '%s' in the registry with id '%s'", d, m.Name, s.account)
	}
	u, err := s.layerURL(ctx, m.Name, d)
	if err != nil {
		return nil, err
	}
	return map[string]string{"downloadUrl": u, "layerDigest": d.String()}, nil
}
