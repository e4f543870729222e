package emulator

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"time"

	"github.com/ecrlink/ecrlink/reqinfo"

	"github.com/ecrlink/ecrlink/registry"
	"github.com/ecrlink/ecrlink/s3shim"
)

// layerLocator places layer downloads on the starport bucket: virtual-hosted
// on its AWS name when the client came by AWS names, path-style on the same
// listener in direct mode, so that following the redirect always works.
type layerLocator struct {
	presigner *s3shim.Presigner
}

func (l *layerLocator) LayerURL(ctx context.Context, registryID, dgst string) (string, error) {
	info, ok := reqinfo.From(ctx)
	if !ok || l.presigner == nil {
		return "", errors.New("no request facts to place the layer URL")
	}
	if info.Direct() {
		return l.presigner.URL(&url.URL{Scheme: info.Scheme, Host: info.RawHost}, s3shim.PathStyle, registryID, dgst)
	}
	return l.presigner.URL(&url.URL{Scheme: info.Scheme, Host: info.Host.StarportFor().String()}, s3shim.VirtualHosted, registryID, dgst)
}

// embeddedStore reads layers from the registry's own storage for s3shim.
type embeddedStore struct{ svc *registry.Service }

func (e embeddedStore) Stat(ctx context.Context, dgst string) (int64, time.Time, error) {
	n, t, err := e.svc.StatBlob(ctx, dgst)
	return n, t, asNotFound(err)
}

func (e embeddedStore) Open(ctx context.Context, dgst string, offset int64) (io.ReadCloser, error) {
	rc, err := e.svc.OpenBlob(ctx, dgst, offset)
	return rc, asNotFound(err)
}

func asNotFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return errors.Join(err, s3shim.ErrNotFound)
	}
	return err
}
