package registry

import (
	"encoding/json"
	"net/http"

	"github.com/ecrlink/ecrlink/reqinfo"

	"github.com/opencontainers/go-digest"
)

// serveReferrers answers the OCI 1.1 referrers API from the repository's
// manifests: every manifest whose subject is the requested digest.
func (s *registry) serveReferrers(w http.ResponseWriter, r *http.Request, rt *reqinfo.RegistryRoute) error {
	subject, err := digest.Parse(rt.Ref)
	if err != nil {
		return regErr(http.StatusBadRequest, "DIGEST_INVALID", "provided digest did not match uploaded content")
	}
	images, err := s.listImages(r.Context(), rt.Name)
	if err != nil {
		return err
	}
	filter := r.URL.Query().Get("artifactType")
	type desc struct {
		MediaType    string            `json:"mediaType"`
		Digest       digest.Digest     `json:"digest"`
		Size         int64             `json:"size"`
		ArtifactType string            `json:"artifactType,omitempty"`
		Annotations  map[string]string `json:"annotations,omitempty"`
	}
	list := []desc{}
	for _, img := range images {
		if img.Subject != subject {
			continue
		}
		at := img.ArtifactType
		if at == "" {
			at = img.ArtifactMediaType
		}
		if filter != "" && at != filter {
			continue
		}
		list = append(list, desc{img.MediaType, img.Digest, img.ManifestSize, at, img.Annotations})
	}
	body, err := json.Marshal(struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
		Manifests     []desc `json:"manifests"`
	}{2, "application/vnd.oci.image.index.v1+json", list})
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.oci.image.index.v1+json")
	h.Set("Docker-Distribution-Api-Version", "registry/2.0")
	if filter != "" {
		h.Set("OCI-Filters-Applied", "artifactType")
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}
