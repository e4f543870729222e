package memdriver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"slices"
	"sync"
	"testing"

	storagedriver "github.com/distribution/distribution/v3/registry/storage/driver"
)

// The behaviours below are those distribution's driver test suite checks
// (registry/storage/driver/testsuites), which needs testify.

func put(t *testing.T, d storagedriver.StorageDriver, p string, b []byte) {
	t.Helper()
	if err := d.PutContent(context.Background(), p, b); err != nil {
		t.Fatalf("PutContent %s: %v", p, err)
	}
}

func get(t *testing.T, d storagedriver.StorageDriver, p string) ([]byte, error) {
	t.Helper()
	return d.GetContent(context.Background(), p)
}

func notFound(err error) bool { return errors.As(err, new(storagedriver.PathNotFoundError)) }

func TestDriverFiles(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, d storagedriver.StorageDriver)
	}{
		{"put get overwrite", func(t *testing.T, d storagedriver.StorageDriver) {
			put(t, d, "/a/b/c", bytes.Repeat([]byte("x"), 4096))
			put(t, d, "/a/b/c", []byte("short"))
			if got, err := get(t, d, "/a/b/c"); err != nil || string(got) != "short" {
				t.Fatalf("got %q, %v", got, err)
			}
		}},
		{"missing", func(t *testing.T, d storagedriver.StorageDriver) {
			if _, err := get(t, d, "/nope"); !notFound(err) {
				t.Fatalf("GetContent: %v", err)
			}
			if _, err := d.Reader(ctx, "/nope", 64); !notFound(err) {
				t.Fatalf("Reader: %v", err)
			}
			if _, err := d.Stat(ctx, "/nope/x"); !notFound(err) {
				t.Fatalf("Stat: %v", err)
			}
			if _, err := d.List(ctx, "/nope"); !notFound(err) {
				t.Fatalf("List: %v", err)
			}
			if err := d.Delete(ctx, "/nope"); !notFound(err) {
				t.Fatalf("Delete: %v", err)
			}
			if err := d.Move(ctx, "/nope", "/x"); !notFound(err) {
				t.Fatalf("Move: %v", err)
			}
		}},
		{"reader offsets", func(t *testing.T, d storagedriver.StorageDriver) {
			put(t, d, "/f", []byte("0123456789"))
			for off, want := range map[int64]string{0: "0123456789", 3: "3456789", 9: "9", 10: "", 99: ""} {
				r, err := d.Reader(ctx, "/f", off)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r)
				if err != nil || string(got) != want {
					t.Errorf("offset %d: %q, %v; want %q", off, got, err, want)
				}
			}
			if _, err := d.Reader(ctx, "/f", -1); !errors.As(err, new(storagedriver.InvalidOffsetError)) {
				t.Fatalf("negative offset: %v", err)
			}
		}},
		{"list stat delete", func(t *testing.T, d storagedriver.StorageDriver) {
			put(t, d, "/r/d/x", []byte("1"))
			put(t, d, "/r/d/y", []byte("22"))
			put(t, d, "/r/dsuffix/z", []byte("3"))
			if got, _ := d.List(ctx, "/"); !slices.Equal(got, []string{"/r"}) {
				t.Fatalf("List / = %v", got)
			}
			if got, _ := d.List(ctx, "/r/d"); !slices.Equal(got, []string{"/r/d/x", "/r/d/y"}) {
				t.Fatalf("List /r/d = %v", got)
			}
			fi, err := d.Stat(ctx, "/r/d/y")
			if err != nil || fi.IsDir() || fi.Size() != 2 || fi.Path() != "/r/d/y" {
				t.Fatalf("Stat file: %+v %v", fi, err)
			}
			if fi, err := d.Stat(ctx, "/r/d"); err != nil || !fi.IsDir() || fi.Size() != 0 {
				t.Fatalf("Stat dir: %+v %v", fi, err)
			}
			if err := d.Delete(ctx, "/r/d"); err != nil {
				t.Fatal(err)
			}
			if _, err := get(t, d, "/r/d/x"); !notFound(err) {
				t.Fatalf("deleted child: %v", err)
			}
			if _, err := get(t, d, "/r/dsuffix/z"); err != nil {
				t.Fatalf("sibling with the same prefix: %v", err)
			}
		}},
		{"move overwrites", func(t *testing.T, d storagedriver.StorageDriver) {
			put(t, d, "/s/src", []byte("source"))
			put(t, d, "/t/dst", []byte("destination"))
			if err := d.Move(ctx, "/s/src", "/t/dst"); err != nil {
				t.Fatal(err)
			}
			if got, _ := get(t, d, "/t/dst"); string(got) != "source" {
				t.Fatalf("dst = %q", got)
			}
			if _, err := get(t, d, "/s/src"); !notFound(err) {
				t.Fatalf("src after move: %v", err)
			}
			put(t, d, "/notadir", []byte("f"))
			if err := d.Move(ctx, "/notadir/foo", "/notadir/bar"); err == nil {
				t.Fatal("move under a file succeeded")
			}
		}},
		{"writer appends across sessions", func(t *testing.T, d storagedriver.StorageDriver) {
			var want []byte
			for i, n := range []int{0, 32, chunkSize + 7, 3 * chunkSize} {
				w, err := d.Writer(ctx, "/up/data", i > 0)
				if err != nil {
					t.Fatal(err)
				}
				if w.Size() != int64(len(want)) {
					t.Fatalf("session %d starts at %d, want %d", i, w.Size(), len(want))
				}
				part := bytes.Repeat([]byte{byte('a' + i)}, n)
				if _, err := io.Copy(w, bytes.NewReader(part)); err != nil {
					t.Fatal(err)
				}
				want = append(want, part...)
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if got, _ := get(t, d, "/up/data"); !bytes.Equal(got, want) {
				t.Fatalf("read %d bytes, want %d, equal=%v", len(got), len(want), bytes.Equal(got, want))
			}
			w, _ := d.Writer(ctx, "/up/data", false)
			_, _ = w.Write([]byte("new"))
			if err := w.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if got, _ := get(t, d, "/up/data"); string(got) != "new" {
				t.Fatalf("after truncating writer: %q", got)
			}
		}},
		{"cancel removes", func(t *testing.T, d storagedriver.StorageDriver) {
			w, _ := d.Writer(ctx, "/c/f", false)
			_, _ = w.Write([]byte("partial"))
			if err := w.Cancel(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := get(t, d, "/c/f"); !notFound(err) {
				t.Fatalf("after cancel: %v", err)
			}
		}},
		{"snapshot survives overwrite", func(t *testing.T, d storagedriver.StorageDriver) {
			put(t, d, "/o", []byte("before"))
			r, _ := d.Reader(ctx, "/o", 0)
			w, _ := d.Writer(ctx, "/o", false)
			_, _ = w.Write([]byte("AFTER!"))
			if got, _ := io.ReadAll(r); string(got) != "before" {
				t.Fatalf("reader saw %q", got)
			}
		}},
		{"invalid paths", func(t *testing.T, d storagedriver.StorageDriver) {
			for _, p := range []string{"", "/", "//bad", "/a//b", "rel"} {
				if err := d.PutContent(ctx, p, nil); !errors.As(err, new(storagedriver.InvalidPathError)) {
					t.Errorf("PutContent %q: %v", p, err)
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, New())
		})
	}
}

// TestWriterCopiesLinearly is why the package exists: writing n bytes in
// 32 KiB writes allocates about n, not n²/64 KiB (as distribution's
// inmemory driver did, growing its buffer to the exact size each write).
func TestWriterCopiesLinearly(t *testing.T) {
	const size = 64 << 20
	d := New()
	part := make([]byte, 32<<10)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	w, err := d.Writer(context.Background(), "/big", false)
	if err != nil {
		t.Fatal(err)
	}
	for range size / len(part) {
		if _, err := w.Write(part); err != nil {
			t.Fatal(err)
		}
	}
	_ = w.Commit(context.Background())
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 2*size {
		t.Fatalf("writing %d MiB allocated %d MiB", size>>20, got>>20)
	}
}

// TestConcurrentReadWrite runs readers against an appending writer; the
// race detector checks that snapshots are never written.
func TestConcurrentReadWrite(t *testing.T) {
	ctx := context.Background()
	d := New()
	w, _ := d.Writer(ctx, "/f", false)
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				r, err := d.Reader(ctx, "/f", 0)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(r)
				if bytes.IndexFunc(b, func(r rune) bool { return r != 'z' }) >= 0 {
					t.Error("read a byte that was never written")
					return
				}
			}
		})
	}
	chunk := bytes.Repeat([]byte("z"), 100_000)
	for range 40 {
		_, _ = w.Write(chunk)
	}
	close(done)
	wg.Wait()
}
