package memdriver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	storagedriver "github.com/distribution/distribution/v3/registry/storage/driver"
	"github.com/distribution/distribution/v3/registry/storage/driver/base"
)

// Name is the driver's name in distribution's storage configuration.
const Name = "ecrlink-inmemory"

// New returns an empty in-memory driver, wrapped in distribution's base
// driver (path validation, error tagging, metrics) as its own drivers are.
func New() storagedriver.StorageDriver {
	d := &driver{root: &node{children: map[string]*node{}, mod: time.Now()}}
	return &base.Base{StorageDriver: d}
}

// Factory creates drivers for distribution's factory; it takes no parameters.
type Factory struct{}

// Create returns a new, empty driver.
func (Factory) Create(context.Context, map[string]any) (storagedriver.StorageDriver, error) {
	return New(), nil
}

// driver is a tree of nodes under one lock. File bytes are read outside
// the lock from snapshots (file.go).
type driver struct {
	mu   sync.RWMutex
	root *node
}

// node is a directory (children non-nil) or a regular file.
type node struct {
	children map[string]*node
	file     *file
	mod      time.Time
}

func (n *node) isDir() bool { return n.children != nil }

var (
	errNotDir = errors.New("not a directory")
	errIsDir  = errors.New("is a directory")
)

func (d *driver) Name() string { return Name }

// split turns a path that base.Base has validated ("/a/b") into components.
func split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// lookup returns the node at p, or nil.
func (d *driver) lookup(p string) *node {
	n := d.root
	for _, c := range split(p) {
		if !n.isDir() {
			return nil
		}
		if n = n.children[c]; n == nil {
			return nil
		}
	}
	return n
}

// parent returns the directory that holds p, creating missing directories
// when create is set, and p's last component.
func (d *driver) parent(p string, create bool, now time.Time) (*node, string, error) {
	cs := split(p)
	if len(cs) == 0 {
		return nil, "", errIsDir // the root
	}
	n := d.root
	for _, c := range cs[:len(cs)-1] {
		next := n.children[c]
		switch {
		case next == nil && !create:
			return nil, "", storagedriver.PathNotFoundError{Path: p}
		case next == nil:
			next = &node{children: map[string]*node{}, mod: now}
			n.children[c], n.mod = next, now
		case !next.isDir():
			return nil, "", errNotDir
		}
		n = next
	}
	return n, cs[len(cs)-1], nil
}

// openFile returns the file at p, creating it (and its directories).
func (d *driver) openFile(p string, now time.Time) (*file, error) {
	dir, name, err := d.parent(p, true, now)
	if err != nil {
		return nil, err
	}
	n := dir.children[name]
	if n == nil {
		n = &node{file: &file{mod: now}, mod: now}
		dir.children[name], dir.mod = n, now
	}
	if n.isDir() {
		return nil, errIsDir
	}
	return n.file, nil
}

// fileAt returns the file at p or PathNotFoundError.
func (d *driver) fileAt(p string) (*file, error) {
	n := d.lookup(p)
	switch {
	case n == nil:
		return nil, storagedriver.PathNotFoundError{Path: p}
	case n.isDir():
		return nil, fmt.Errorf("%s: %w", p, errIsDir)
	}
	return n.file, nil
}

func (d *driver) GetContent(_ context.Context, p string) ([]byte, error) {
	d.mu.RLock()
	f, err := d.fileAt(p)
	if err != nil {
		d.mu.RUnlock()
		return nil, err
	}
	r := f.snapshot(0)
	d.mu.RUnlock()
	return r.bytes(), nil
}

func (d *driver) PutContent(_ context.Context, p string, content []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	f, err := d.openFile(p, now)
	if err != nil {
		return err
	}
	*f = file{mod: now} // new chunks: readers keep the old ones
	f.writeAt(content, 0, now)
	return nil
}

func (d *driver) Reader(_ context.Context, p string, offset int64) (io.ReadCloser, error) {
	if offset < 0 {
		return nil, storagedriver.InvalidOffsetError{Path: p, Offset: offset}
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	f, err := d.fileAt(p)
	if err != nil {
		return nil, err
	}
	return f.snapshot(offset), nil
}

// Writer writes at the end of the file (append) or truncates it first, as
// the filesystem driver does; writes are visible at once.
func (d *driver) Writer(_ context.Context, p string, append bool) (storagedriver.FileWriter, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	f, err := d.openFile(p, now)
	if err != nil {
		return nil, err
	}
	if !append {
		*f = file{mod: now}
	}
	return &writer{d: d, f: f, path: p, size: f.size}, nil
}

func (d *driver) Stat(_ context.Context, p string) (storagedriver.FileInfo, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	n := d.lookup(p)
	if n == nil {
		return nil, storagedriver.PathNotFoundError{Path: p}
	}
	fi := storagedriver.FileInfoFields{Path: p, IsDir: n.isDir(), ModTime: n.mod}
	if !n.isDir() {
		fi.Size, fi.ModTime = n.file.size, n.file.mod
	}
	return storagedriver.FileInfoInternal{FileInfoFields: fi}, nil
}

func (d *driver) List(_ context.Context, p string) ([]string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	n := d.lookup(p)
	switch {
	case n == nil:
		return nil, storagedriver.PathNotFoundError{Path: p}
	case !n.isDir():
		return nil, fmt.Errorf("%s: %w", p, errNotDir)
	}
	out := make([]string, 0, len(n.children))
	for name := range n.children {
		out = append(out, path.Join("/", p, name))
	}
	sort.Strings(out)
	return out, nil
}

// Move renames src to dst, replacing whatever dst was.
func (d *driver) Move(_ context.Context, src, dst string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	sdir, sname, err := d.parent(src, false, now)
	if err != nil {
		return err
	}
	n := sdir.children[sname]
	if n == nil {
		return storagedriver.PathNotFoundError{Path: src}
	}
	if dst == src {
		return nil
	}
	if strings.HasPrefix(dst, src+"/") {
		return fmt.Errorf("move %s to %s: destination inside source", src, dst)
	}
	ddir, dname, err := d.parent(dst, true, now)
	if err != nil {
		return err
	}
	delete(sdir.children, sname)
	ddir.children[dname] = n
	sdir.mod, ddir.mod = now, now
	return nil
}

// Delete removes p and everything under it.
func (d *driver) Delete(_ context.Context, p string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	dir, name, err := d.parent(p, false, time.Now())
	if errors.Is(err, errIsDir) || errors.Is(err, errNotDir) {
		return storagedriver.PathNotFoundError{Path: p}
	}
	if err != nil {
		return err
	}
	if dir.children[name] == nil {
		return storagedriver.PathNotFoundError{Path: p}
	}
	delete(dir.children, name)
	dir.mod = time.Now()
	return nil
}

// RedirectURL is empty: bytes are served by the registry itself.
func (d *driver) RedirectURL(*http.Request, string) (string, error) { return "", nil }

func (d *driver) Walk(ctx context.Context, p string, f storagedriver.WalkFn, opts ...func(*storagedriver.WalkOptions)) error {
	return storagedriver.WalkFallback(ctx, d, p, f, opts...)
}

// writer writes at its own offset into a file of the driver, under the
// driver's lock, so that what it wrote is readable at once.
type writer struct {
	d                           *driver
	f                           *file
	path                        string
	size                        int64
	closed, committed, canceled bool
}

func (w *writer) Write(p []byte) (int, error) {
	switch {
	case w.closed:
		return 0, errors.New("already closed")
	case w.committed:
		return 0, errors.New("already committed")
	case w.canceled:
		return 0, errors.New("already cancelled")
	}
	w.d.mu.Lock()
	w.f.writeAt(p, w.size, time.Now())
	w.d.mu.Unlock()
	w.size += int64(len(p))
	return len(p), nil
}

func (w *writer) Size() int64 { return w.size }

func (w *writer) Close() error {
	if w.closed {
		return errors.New("already closed")
	}
	w.closed = true
	return nil
}

// Cancel removes the file, unless it has since been moved or replaced.
func (w *writer) Cancel(context.Context) error {
	if w.closed {
		return errors.New("already closed")
	}
	w.canceled, w.closed = true, true
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	if dir, name, err := w.d.parent(w.path, false, time.Now()); err == nil {
		if n := dir.children[name]; n != nil && n.file == w.f {
			delete(dir.children, name)
		}
	}
	return nil
}

func (w *writer) Commit(context.Context) error {
	switch {
	case w.closed:
		return errors.New("already closed")
	case w.committed:
		return errors.New("already committed")
	case w.canceled:
		return errors.New("already cancelled")
	}
	w.committed = true
	return nil
}
