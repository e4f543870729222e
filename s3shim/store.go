package s3shim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/ecrlink/ecrlink/awsname"
)

// Store is where layer bytes live, by registry and digest. The embedded
// registry storage and MinIO both satisfy it.
type Store interface {
	// Stat returns a layer's size and modification time, or an error
	// satisfying errors.Is(err, ErrNotFound).
	Stat(ctx context.Context, reg awsname.Registry, dgst string) (size int64, mod time.Time, err error)
	// Open returns the layer's bytes from offset on.
	Open(ctx context.Context, reg awsname.Registry, dgst string, offset int64) (io.ReadCloser, error)
}

// layerRef names a layer in a Store.
type layerRef struct {
	registry awsname.Registry
	dgst     string
}

// ErrNotFound is what a Store returns for a layer it does not hold. It is
// fs.ErrNotExist, so that a store over a file system needs no translation.
var ErrNotFound = fs.ErrNotExist

// BlobPath is where distribution keeps a blob's bytes under its root
// directory; MinIO objects and the embedded store share the layout.
func BlobPath(dgst string) (string, error) {
	algo, hex, ok := cutDigest(dgst)
	if !ok {
		return "", fmt.Errorf("s3shim: bad digest %q", dgst)
	}
	return "/docker/registry/v2/blobs/" + algo + "/" + hex[:2] + "/" + hex + "/data", nil
}

func cutDigest(d string) (algo, hex string, ok bool) {
	for i := 0; i < len(d); i++ {
		if d[i] == ':' {
			algo, hex = d[:i], d[i+1:]
			return algo, hex, algo != "" && len(hex) >= 2
		}
	}
	return "", "", false
}

// MinIOStore reads layers from the bucket distribution's S3 driver writes
// to, with minio-go.
type MinIOStore struct {
	Client *minio.Client
	Bucket string
	// Root returns the S3 driver's rootdirectory of a registry's blobs, ok
	// false for a registry it does not hold; nil means the bucket's root
	// for every registry.
	Root func(awsname.Registry) (dir string, ok bool)
}

func (m *MinIOStore) object(reg awsname.Registry, dgst string) (string, error) {
	p, err := BlobPath(dgst)
	if err != nil {
		return "", err
	}
	if m.Root != nil {
		root, ok := m.Root(reg)
		if !ok {
			return "", fmt.Errorf("%s of registry %s in %s: %w", dgst, reg.Account, reg.Region, ErrNotFound)
		}
		if root = trimSlashes(root); root != "" {
			p = "/" + root + p
		}
	}
	return p[1:], nil
}

func trimSlashes(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// Stat implements Store.
func (m *MinIOStore) Stat(ctx context.Context, reg awsname.Registry, dgst string) (int64, time.Time, error) {
	obj, err := m.object(reg, dgst)
	if err != nil {
		return 0, time.Time{}, err
	}
	info, err := m.Client.StatObject(ctx, m.Bucket, obj, minio.StatObjectOptions{})
	if err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return 0, time.Time{}, fmt.Errorf("%s: %w", dgst, ErrNotFound)
		}
		return 0, time.Time{}, fmt.Errorf("stat %s: %w", obj, err)
	}
	return info.Size, info.LastModified, nil
}

// Open implements Store.
func (m *MinIOStore) Open(ctx context.Context, reg awsname.Registry, dgst string, offset int64) (io.ReadCloser, error) {
	obj, err := m.object(reg, dgst)
	if err != nil {
		return nil, err
	}
	opts := minio.GetObjectOptions{}
	if offset > 0 {
		if err := opts.SetRange(offset, 0); err != nil {
			return nil, err
		}
	}
	o, err := m.Client.GetObject(ctx, m.Bucket, obj, opts)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", obj, err)
	}
	return o, nil
}

// seeker adapts a Store to the io.ReadSeeker http.ServeContent wants,
// opening the layer lazily at the offset asked for, so a Range request
// reads only its range and nothing is buffered whole.
type seeker struct {
	ctx   context.Context
	st    Store
	layer layerRef
	size  int64
	off   int64
	rc    io.ReadCloser
}

func (s *seeker) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = s.off + offset
	case io.SeekEnd:
		abs = s.size + offset
	}
	if abs < 0 {
		return 0, errors.New("s3shim: negative seek")
	}
	if abs != s.off && s.rc != nil {
		s.rc.Close()
		s.rc = nil
	}
	s.off = abs
	return abs, nil
}

func (s *seeker) Read(p []byte) (int, error) {
	if s.off >= s.size {
		return 0, io.EOF
	}
	if s.rc == nil {
		rc, err := s.st.Open(s.ctx, s.layer.registry, s.layer.dgst, s.off)
		if err != nil {
			return 0, err
		}
		s.rc = rc
	}
	n, err := s.rc.Read(p)
	s.off += int64(n)
	return n, err
}

func (s *seeker) Close() error {
	if s.rc != nil {
		return s.rc.Close()
	}
	return nil
}
