package registry

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/reqinfo"

	"github.com/opencontainers/go-digest"
)

// LayerLocator says where a layer's bytes are downloaded from: in ECR, a
// presigned URL on the starport bucket (ECR-FACTS §5). The emulator wires it
// to s3shim; it reads from ctx how the client reached us.
type LayerLocator interface {
	LayerURL(ctx context.Context, registry awsname.Registry, dgst string) (string, error)
}

// serveBlob answers a layer GET as ECR does: 307 to where the bytes are; a
// layer the locator cannot place is a server error. HEAD stays on the
// registry.
func (s *registry) serveBlob(w http.ResponseWriter, r *http.Request, rt *reqinfo.RegistryRoute) (handled bool, err error) {
	if r.Method != http.MethodGet || s.cfg.Layers == nil {
		return false, nil
	}
	repo, err := s.repository(r.Context(), rt.Name)
	if err != nil {
		return true, err
	}
	d := digest.Digest(rt.Ref)
	if _, err := repo.Blobs(r.Context()).Stat(r.Context(), d); err != nil {
		if isNotFound(err) {
			return true, regErr(http.StatusNotFound, "BLOB_UNKNOWN", "blob unknown to registry")
		}
		return true, err
	}
	u, err := s.cfg.Layers.LayerURL(r.Context(), s.id(), rt.Ref)
	if err != nil {
		// Serving the bytes here instead would go around the layer bucket
		// and what decides access to it.
		return true, fmt.Errorf("placing layer %s: %w", rt.Ref, err)
	}
	h := w.Header()
	h.Set("Docker-Distribution-Api-Version", "registry/2.0")
	h.Set("Location", u)
	w.WriteHeader(http.StatusTemporaryRedirect)
	return true, nil
}

// blobDataPath is where distribution keeps a blob's bytes.
func blobDataPath(d digest.Digest) string {
	return "/docker/registry/v2/blobs/" + d.Algorithm().String() + "/" + d.Encoded()[:2] + "/" + d.Encoded() + "/data"
}

// statBlob returns the size and modification time of a blob in the
// registry's storage; fs.ErrNotExist (wrapped) when absent. It is the
// embedded store behind the starport bucket.
func (s *registry) statBlob(ctx context.Context, dgst string) (int64, time.Time, error) {
	d, err := digest.Parse(dgst)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("%s: %w", dgst, fs.ErrNotExist)
	}
	fi, err := s.driver.Stat(ctx, blobDataPath(d))
	if err != nil {
		if isPathNotFound(err) {
			return 0, time.Time{}, fmt.Errorf("%s: %w", dgst, fs.ErrNotExist)
		}
		return 0, time.Time{}, err
	}
	return fi.Size(), fi.ModTime(), nil
}

// openBlob returns a blob's bytes from offset on.
func (s *registry) openBlob(ctx context.Context, dgst string, offset int64) (io.ReadCloser, error) {
	d, err := digest.Parse(dgst)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dgst, fs.ErrNotExist)
	}
	rc, err := s.driver.Reader(ctx, blobDataPath(d), offset)
	if err != nil && isPathNotFound(err) {
		return nil, fmt.Errorf("%s: %w", dgst, fs.ErrNotExist)
	}
	return rc, err
}

// Blobs reads layers from the Service's own storage by registry and
// digest, for the starport bucket (s3shim.Store); a layer it does not hold,
// or a registry not served, is an error satisfying
// errors.Is(err, fs.ErrNotExist).
type Blobs struct{ s *Service }

// Blobs returns the Service's blob reader.
func (s *Service) Blobs() Blobs { return Blobs{s} }

func (b Blobs) registry(id awsname.Registry, dgst string) (*registry, error) {
	g, ok := b.s.lookup(id)
	if !ok {
		return nil, fmt.Errorf("%s in registry %s %s: %w", dgst, id.Account, id.Region, fs.ErrNotExist)
	}
	return g, nil
}

// Stat returns the size and modification time of the blob dgst of id.
func (b Blobs) Stat(ctx context.Context, id awsname.Registry, dgst string) (int64, time.Time, error) {
	g, err := b.registry(id, dgst)
	if err != nil {
		return 0, time.Time{}, err
	}
	return g.statBlob(ctx, dgst)
}

// Open returns the blob dgst of id from offset on.
func (b Blobs) Open(ctx context.Context, id awsname.Registry, dgst string, offset int64) (io.ReadCloser, error) {
	g, err := b.registry(id, dgst)
	if err != nil {
		return nil, err
	}
	return g.openBlob(ctx, dgst, offset)
}

// layerURL is where a client downloads a layer: the presigned starport URL
// the registry's blob GET redirects to (ECR-FACTS §5), or, without a
// LayerLocator, the registry's own blob URL on the host the client used.
// A locator that fails is a server error, never a fallback.
func (s *registry) layerURL(ctx context.Context, repository string, d digest.Digest) (string, error) {
	if s.cfg.Layers != nil {
		u, err := s.cfg.Layers.LayerURL(ctx, s.id(), d.String())
		if err != nil {
			return "", fmt.Errorf("placing layer %s: %w", d, err)
		}
		return u, nil
	}
	return s.registryURL(ctx).String() + "/v2/" + repository + "/blobs/" + d.String(), nil
}
