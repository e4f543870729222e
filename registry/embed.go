package registry

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/distribution/distribution/v3"
	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	registrymiddleware "github.com/distribution/distribution/v3/registry/middleware/registry"
	storagedriver "github.com/distribution/distribution/v3/registry/storage/driver"
	"github.com/distribution/distribution/v3/registry/storage/driver/factory"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem" // registers "filesystem"
	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/registry/distlog"
	"github.com/ecrlink/ecrlink/registry/longnames"
	"github.com/ecrlink/ecrlink/registry/memdriver"
)

// captureMiddleware is the registry middleware through which an embedded App
// hands ecrlink the very Namespace and storage driver it serves from, so the
// ECR API and the Docker Registry API can never see two different stores.
// distribution only offers process-wide registration, so it happens once; the
// per-App state travels in the middleware options.
const captureMiddleware = "ecrlink-capture"

var registerCapture = sync.OnceValue(func() error {
	return registrymiddleware.Register(captureMiddleware, func(_ context.Context, ns distribution.Namespace,
		d storagedriver.StorageDriver, opts map[string]any) (distribution.Namespace, error) {
		c, ok := opts["capture"].(*captured)
		if !ok {
			return nil, fmt.Errorf("%s: missing capture option", captureMiddleware)
		}
		c.ns, c.driver = ns, d
		return ns, nil
	})
})

// registerMemDriver makes ecrlink's in-memory driver known to
// distribution's process-wide driver factory, once. Without a data directory
// ecrlink keeps everything in memory rather than in a temporary directory:
// nothing is left behind even when the process is killed.
var registerMemDriver = sync.OnceFunc(func() { factory.Register(memdriver.Name, memdriver.Factory{}) })

type captured struct {
	ns     distribution.Namespace
	driver storagedriver.StorageDriver
}

// withDistLog returns ctx carrying the Service's logger for distribution.
func (s *Service) withDistLog(ctx context.Context) context.Context {
	return distlog.With(ctx, s.distLog)
}

// storageParameters picks distribution's driver for registry id: S3
// (MinIO), the filesystem under DataDir, or memory.
func (s *Service) storageParameters(id awsname.Registry) configuration.Storage {
	dir := s.storageDir(id)
	switch {
	case s.cfg.S3 != nil:
		return configuration.Storage{"s3": s.cfg.S3.driverParameters(dir)}
	case s.cfg.DataDir != "":
		root := filepath.Join(s.cfg.DataDir, filepath.FromSlash(dir), "registry")
		return configuration.Storage{"filesystem": configuration.Parameters{"rootdirectory": root}}
	}
	return configuration.Storage{memdriver.Name: configuration.Parameters{}}
}

// newApp builds the embedded distribution app of registry s on driver.
func newApp(ctx context.Context, s *registry, driver configuration.Storage) (app *handlers.App, c *captured, err error) {
	if err := errors.Join(registerCapture(), longnames.Register(), registerGuard()); err != nil {
		return nil, nil, err
	}
	registerMemDriver()
	c = &captured{}
	storage := configuration.Storage{
		"delete":   configuration.Parameters{"enabled": true},
		"redirect": configuration.Parameters{"disable": true},
		// No blob-descriptor cache: distribution is never told when
		// ecrlink deletes a repository's storage, nor when another
		// process sharing the store changes it, so a cache would keep
		// answering for manifests and layers that are gone. A stat costs a
		// link read and a stat of the data, small next to any transfer.
		// Interrupted uploads are invisible; purge them after a day.
		"maintenance": configuration.Parameters{"uploadpurging": map[any]any{
			"enabled": true, "age": uploadMaxAge.String(), "interval": "1h", "dryrun": false}},
	}
	for k, v := range driver {
		storage[k] = v
	}
	cfg := &configuration.Configuration{Storage: storage}
	cfg.Version = configuration.MajorMinorVersion(0, 1)
	cfg.HTTP.Secret = s.secret
	cfg.Log.AccessLog.Disabled = true
	cfg.Catalog.MaxEntries = 1000
	// ECR accepts manifests whose layers name external URLs (Windows
	// foreign layers, OCI non-distributable layers).
	cfg.Validation.Manifests.URLs.Allow = []string{"^https?://"}
	cfg.Middleware = map[string][]configuration.Middleware{
		"registry":   {{Name: captureMiddleware, Options: configuration.Parameters{"capture": c}}},
		"repository": {{Name: guardMiddleware, Options: configuration.Parameters{"service": s}}},
		"storage":    {{Name: longnames.Name}},
	}
	defer func() { // NewApp panics on configuration errors
		if r := recover(); r != nil {
			app, c, err = nil, nil, fmt.Errorf("embedded registry: %v", r)
		}
	}()
	app = handlers.NewApp(s.withDistLog(ctx), cfg)
	if c.ns == nil || c.driver == nil {
		return nil, nil, fmt.Errorf("embedded registry: storage was not captured")
	}
	return app, c, nil
}
