// Package metastore keeps ecrlink's own metadata (repositories, policies,
// lifecycle previews, the token key) as small objects under flat keys, in
// memory, in a directory, or in an S3 bucket. The three hold the same keys
// in the same places as before the package existed, so existing data
// directories and buckets keep working.
package metastore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Store keeps small objects by key. Every Put is atomic: a reader sees the
// old object or the new one, never a torn write, even across a crash.
type Store interface {
	// Get returns fs.ErrNotExist (wrapped) when key is absent.
	Get(ctx context.Context, key string) ([]byte, error)
	Put(ctx context.Context, key string, data []byte) error
	// Delete of an absent key is not an error.
	Delete(ctx context.Context, key string) error
	// List returns the keys with prefix, sorted. prefix is a directory
	// ("repositories/"), or one and the start of a name in it: Files
	// lists one directory, while Memory and S3 would also list keys
	// nested deeper.
	List(ctx context.Context, prefix string) ([]string, error)
}

// Memory is the --ephemeral Store; it hands out and keeps copies.
type Memory struct {
	mu   sync.RWMutex
	objs map[string][]byte
}

var (
	_ Store = (*Memory)(nil)
	_ Store = (*Files)(nil)
	_ Store = (*S3)(nil)
)

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{objs: map[string][]byte{}} }

func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, ok := m.objs[key]
	if !ok {
		return nil, fmt.Errorf("meta %s: %w", key, fs.ErrNotExist)
	}
	return append([]byte(nil), b...), nil
}

func (m *Memory) Put(_ context.Context, key string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[key] = append([]byte(nil), data...)
	return nil
}

func (m *Memory) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objs, key)
	return nil
}

func (m *Memory) List(_ context.Context, prefix string) ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var keys []string
	for k := range m.objs {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

// Files keeps each object in a file under a directory, at the key's path.
// Keys are flat names (no "/" beyond one level of prefix directory), so
// List is one ReadDir.
type Files struct{ dir string }

// NewFiles returns the Store in dir, creating the directory if need be.
func NewFiles(dir string) (*Files, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("metadata directory: %w", err)
	}
	return &Files{dir: dir}, nil
}

func (f *Files) path(key string) string { return filepath.Join(f.dir, filepath.FromSlash(key)) }

func (f *Files) Get(_ context.Context, key string) ([]byte, error) {
	b, err := os.ReadFile(f.path(key))
	if err != nil {
		return nil, fmt.Errorf("meta %s: %w", key, err)
	}
	return b, nil
}

// Put writes to a temporary file, syncs it, renames it over the key and
// syncs the directory, so an acknowledged write survives kill -9.
func (f *Files) Put(_ context.Context, key string, data []byte) error {
	p := f.path(key)
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("meta %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("meta %s: %w", key, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("meta %s: %w", key, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("meta %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("meta %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("meta %s: %w", key, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (f *Files) Delete(_ context.Context, key string) error {
	err := os.Remove(f.path(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("meta %s: %w", key, err)
	}
	return nil
}

func (f *Files) List(_ context.Context, prefix string) ([]string, error) {
	dirPart, namePart := "", prefix
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dirPart, namePart = prefix[:i+1], prefix[i+1:]
	}
	entries, err := os.ReadDir(f.path(dirPart))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("meta list %s: %w", prefix, err)
	}
	var keys []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, namePart) && !strings.HasPrefix(n, ".tmp-") {
			keys = append(keys, dirPart+n)
		}
	}
	return keys, nil // ReadDir sorts by name
}
