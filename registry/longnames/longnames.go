// Package longnames is the distribution storage middleware that lets every
// storage mode hold the tags ECR accepts: see the comment on its constants.
package longnames

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"

	storagedriver "github.com/distribution/distribution/v3/registry/storage/driver"
	storagemiddleware "github.com/distribution/distribution/v3/registry/storage/driver/middleware"
)

// distribution stores a tag as a directory, _manifests/tags/<tag>/, but ECR
// takes tags of up to 300 characters (ECR-FACTS §2.3) while a filesystem
// (NAME_MAX) and MinIO refuse a path component over 255 bytes. The
// longNames storage middleware stores such a component as a chain of
// directories, so that every storage mode holds what ECR accepts, with the
// same limits everywhere.
//
// A component is stored as a chain when it is longer than MaxComponent, or
// when it is "." or starts with ".." (valid ECR tags that a filesystem would
// read as a relative path, or that would look like a chain). Each link of
// the chain is at most MaxComponent bytes: chainMore and a slice of the
// name, and last chainEnd and the rest. Every stored component that starts
// with ".." is a chain (tags that do are chained too), so the mapping is
// unambiguous and reversible; only a data directory written before this
// middleware can hold such a tag unchained, which then reads back wrong
// (the README says so).
const (
	chainMore  = "..-"
	chainEnd   = ".._"
	chainSlice = MaxComponent - len(chainMore)
)

// MaxComponent is the longest path component, in bytes, that every store
// takes (NAME_MAX; MinIO's limit on a key segment). registry's metadata
// keys are held to it too.
const MaxComponent = 255

// Name is the middleware's name in distribution's storage middleware
// configuration.
const Name = "ecrlink-longnames"

// Register adds the middleware to distribution's process-wide registry of
// storage middleware, once: that registry refuses a second registration.
func Register() error { return register() }

var register = sync.OnceValue(func() error {
	return storagemiddleware.Register(Name, func(_ context.Context, d storagedriver.StorageDriver,
		_ map[string]any) (storagedriver.StorageDriver, error) {
		return &longNames{StorageDriver: d}, nil
	})
})

// needsChain reports whether component c cannot be stored as it is.
func needsChain(c string) bool {
	return len(c) > MaxComponent || c == "." || strings.HasPrefix(c, "..")
}

// storedPath maps a path as distribution names it to the path stored.
func storedPath(p string) string {
	if !strings.Contains(p, ".") && len(p) <= MaxComponent {
		return p // the common case: nothing to map
	}
	parts := strings.Split(p, "/")
	out := make([]string, 0, len(parts))
	for _, c := range parts {
		if !needsChain(c) {
			out = append(out, c)
			continue
		}
		for len(c) > chainSlice {
			out = append(out, chainMore+c[:chainSlice])
			c = c[chainSlice:]
		}
		out = append(out, chainEnd+c)
	}
	return strings.Join(out, "/")
}

// namedPath is storedPath's inverse.
func namedPath(p string) string {
	if !strings.Contains(p, "/..") {
		return p
	}
	parts := strings.Split(p, "/")
	out := make([]string, 0, len(parts))
	var chain strings.Builder
	for _, c := range parts {
		switch {
		case strings.HasPrefix(c, chainMore):
			chain.WriteString(c[len(chainMore):])
		case strings.HasPrefix(c, chainEnd):
			chain.WriteString(c[len(chainEnd):])
			out = append(out, chain.String())
			chain.Reset()
		default:
			out = append(out, c)
		}
	}
	if chain.Len() > 0 { // an unfinished chain: a directory on the way
		out = append(out, chain.String())
	}
	return strings.Join(out, "/")
}

// longNames is the storage driver seen by distribution; the driver it wraps
// only ever sees stored paths.
type longNames struct {
	storagedriver.StorageDriver
}

func (d *longNames) GetContent(ctx context.Context, p string) ([]byte, error) {
	b, err := d.StorageDriver.GetContent(ctx, storedPath(p))
	return b, namedErr(err, p)
}

func (d *longNames) PutContent(ctx context.Context, p string, content []byte) error {
	return namedErr(d.StorageDriver.PutContent(ctx, storedPath(p), content), p)
}

func (d *longNames) Reader(ctx context.Context, p string, offset int64) (io.ReadCloser, error) {
	rc, err := d.StorageDriver.Reader(ctx, storedPath(p), offset)
	return rc, namedErr(err, p)
}

func (d *longNames) Writer(ctx context.Context, p string, append bool) (storagedriver.FileWriter, error) {
	w, err := d.StorageDriver.Writer(ctx, storedPath(p), append)
	return w, namedErr(err, p)
}

func (d *longNames) Stat(ctx context.Context, p string) (storagedriver.FileInfo, error) {
	fi, err := d.StorageDriver.Stat(ctx, storedPath(p))
	if err != nil {
		return nil, namedErr(err, p)
	}
	return namedInfo{fi, p}, nil
}

// List names the children of p; a chain among them is followed to its end,
// so the listing shows the names distribution wrote.
func (d *longNames) List(ctx context.Context, p string) ([]string, error) {
	children, err := d.list(ctx, storedPath(p))
	if err != nil {
		return nil, namedErr(err, p)
	}
	for i, c := range children {
		children[i] = namedPath(c)
	}
	return children, nil
}

func (d *longNames) list(ctx context.Context, stored string) ([]string, error) {
	children, err := d.StorageDriver.List(ctx, stored)
	if err != nil {
		return nil, err
	}
	out := children[:0:0]
	for _, c := range children {
		if !strings.HasPrefix(c[strings.LastIndex(c, "/")+1:], chainMore) {
			out = append(out, c)
			continue
		}
		links, err := d.list(ctx, c)
		var nf storagedriver.PathNotFoundError
		if errors.As(err, &nf) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, links...)
	}
	return out, nil
}

func (d *longNames) Move(ctx context.Context, src, dst string) error {
	return namedErr(d.StorageDriver.Move(ctx, storedPath(src), storedPath(dst)), src)
}

func (d *longNames) Delete(ctx context.Context, p string) error {
	return namedErr(d.StorageDriver.Delete(ctx, storedPath(p)), p)
}

func (d *longNames) RedirectURL(r *http.Request, p string) (string, error) {
	return d.StorageDriver.RedirectURL(r, storedPath(p))
}

// Walk walks by List and Stat, which name paths as distribution does.
func (d *longNames) Walk(ctx context.Context, p string, f storagedriver.WalkFn, opts ...func(*storagedriver.WalkOptions)) error {
	return storagedriver.WalkFallback(ctx, d, p, f, opts...)
}

// namedErr restores the path distribution asked for in the driver's
// path errors, which distribution and its logs report.
func namedErr(err error, p string) error {
	var nf storagedriver.PathNotFoundError
	if errors.As(err, &nf) {
		nf.Path = p
		return nf
	}
	return err
}

type namedInfo struct {
	storagedriver.FileInfo
	path string
}

func (i namedInfo) Path() string { return i.path }
