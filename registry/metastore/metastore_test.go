package metastore

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/minio/minio-go/v7"
)

// store is one implementation under test and raw, which reads an object
// where the implementation must have put it (the file, the S3 object), so
// that the test also pins the layout existing data directories and buckets
// rely on.
type store struct {
	Store
	raw func(t *testing.T, key string) ([]byte, error)
}

// stores builds each implementation, empty, for one subtest; "s3" starts a
// MinIO of its own and is skipped where there is none.
var stores = map[string]func(t *testing.T) store{
	"memory": func(*testing.T) store {
		mem := NewMemory()
		return store{mem, func(_ *testing.T, key string) ([]byte, error) {
			mem.mu.RLock()
			defer mem.mu.RUnlock()
			b, ok := mem.objs[key]
			if !ok {
				return nil, fs.ErrNotExist
			}
			return b, nil
		}}
	},
	"files": func(t *testing.T) store {
		dir := filepath.Join(t.TempDir(), "meta")
		files, err := NewFiles(dir)
		if err != nil {
			t.Fatal(err)
		}
		return store{files, func(_ *testing.T, key string) ([]byte, error) {
			return os.ReadFile(filepath.Join(dir, filepath.FromSlash(key)))
		}}
	},
	"s3": func(t *testing.T) store {
		client := startMinIO(t)
		const bucket, prefix = "conformance", "ecrlink/meta/"
		if err := client.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{}); err != nil {
			t.Fatalf("make bucket: %v", err)
		}
		return store{NewS3(client, bucket, prefix), func(_ *testing.T, key string) ([]byte, error) {
			o, err := client.GetObject(context.Background(), bucket, prefix+key, minio.GetObjectOptions{})
			if err != nil {
				return nil, err
			}
			defer o.Close()
			b, err := io.ReadAll(o)
			if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
				return nil, fs.ErrNotExist
			}
			return b, err
		}}
	},
}

// TestStore holds every Store to the contract registry relies on, with the
// keys registry writes.
func TestStore(t *testing.T) {
	t.Parallel()
	repos := []string{"repositories/app%2Fweb.json", "repositories/app.json", "repositories/b.json"}
	keys := append([]string{"registry.json", "token.key", "lifecyclePreviews/app.json"}, repos...)
	for name, build := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := build(t)
			ctx := context.Background()
			if _, err := s.Get(ctx, "registry.json"); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Get of an absent key: %v, want fs.ErrNotExist", err)
			}
			if got, err := s.List(ctx, "repositories/"); err != nil || len(got) != 0 {
				t.Fatalf("List of an empty store = %q, %v", got, err)
			}
			for _, k := range keys {
				data := []byte("old " + k)
				if err := s.Put(ctx, k, data); err != nil {
					t.Fatalf("Put %s: %v", k, err)
				}
				data[0] = 'X' // the store keeps its own copy
			}
			if err := s.Put(ctx, "registry.json", []byte("new")); err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				want := "old " + k
				if k == "registry.json" {
					want = "new"
				}
				got, err := s.Get(ctx, k)
				if err != nil || string(got) != want {
					t.Fatalf("Get %s = %q, %v; want %q", k, got, err, want)
				}
				got[0] = 'X' // and hands out copies
				if raw, err := s.raw(t, k); err != nil || string(raw) != want {
					t.Fatalf("stored %s = %q, %v; want %q", k, raw, err, want)
				}
			}
			lists := []struct {
				prefix string
				want   []string
			}{
				{"repositories/", repos},
				{"repositories/app", repos[:2]},
				{"lifecyclePreviews/", keys[2:3]},
				{"nothing/", nil},
			}
			for _, l := range lists {
				if got, err := s.List(ctx, l.prefix); err != nil || !slices.Equal(got, l.want) {
					t.Fatalf("List(%q) = %q, %v; want %q", l.prefix, got, err, l.want)
				}
			}
			for _, k := range []string{"repositories/app.json", "repositories/app.json", "never/written"} {
				if err := s.Delete(ctx, k); err != nil {
					t.Fatalf("Delete %s: %v", k, err)
				}
			}
			if _, err := s.Get(ctx, "repositories/app.json"); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Get after Delete: %v, want fs.ErrNotExist", err)
			}
			if _, err := s.raw(t, "repositories/app.json"); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("stored after Delete: %v, want absent", err)
			}
			want := []string{repos[0], repos[2]}
			if got, err := s.List(ctx, "repositories/"); err != nil || !slices.Equal(got, want) {
				t.Fatalf("List after Delete = %q, %v; want %q", got, err, want)
			}
		})
	}
}

// TestFilesListSkipsTemporaries: a crash between CreateTemp and Rename
// leaves a temporary file, which is no key.
func TestFilesListSkipsTemporaries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f, err := NewFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := f.Put(ctx, "repositories/a.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "repositories", ".tmp-123"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := f.List(ctx, "repositories/")
	if err != nil || !slices.Equal(got, []string{"repositories/a.json"}) {
		t.Fatalf("List = %q, %v", got, err)
	}
}
