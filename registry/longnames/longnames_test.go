package longnames

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	storagedriver "github.com/distribution/distribution/v3/registry/storage/driver"
	"github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
	"github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
)

func TestStoredPathRoundTrip(t *testing.T) {
	t.Parallel()
	const tags = "/docker/registry/v2/repositories/app/_manifests/tags/"
	for _, name := range []string{
		"latest", "v1.2", strings.Repeat("t", 255), strings.Repeat("t", 256), strings.Repeat("u", 300),
		strings.Repeat("w", 2*chainSlice), strings.Repeat("w", 2*chainSlice+1), ".", "..", "...", "..-x", ".._x", ".x",
	} {
		p := tags + name + "/current/link"
		stored := storedPath(p)
		if got := namedPath(stored); got != p {
			t.Errorf("%.20q: round trip gives %q", name, got)
		}
		if !storagedriver.PathRegexp.MatchString(stored) {
			t.Errorf("%.20q: stored path %q is not a valid driver path", name, stored)
		}
		for _, c := range strings.Split(stored, "/") {
			if len(c) > MaxComponent || c == "." || c == ".." {
				t.Errorf("%.20q: stored component %q cannot be a file name", name, c)
			}
		}
	}
}

// TestLongNamesDriver writes names no filesystem takes through the
// middleware on a real filesystem and in memory, and reads them back.
func TestLongNamesDriver(t *testing.T) {
	t.Parallel()
	drivers := map[string]storagedriver.StorageDriver{
		"inmemory":   inmemory.New(),
		"filesystem": filesystem.New(filesystem.DriverParameters{RootDirectory: t.TempDir(), MaxThreads: 4}),
	}
	for name, inner := range drivers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := &longNames{StorageDriver: inner}
			const dir = "/repositories/app/_manifests/tags"
			long, dots, short := strings.Repeat("u", 300), "..", "v1"
			want := []string{dir + "/" + dots, dir + "/" + short, dir + "/" + long}
			for _, p := range want {
				if err := d.PutContent(ctx, p+"/current/link", []byte(p)); err != nil {
					t.Fatalf("put %.60q: %v", p, err)
				}
			}
			got, err := d.List(ctx, dir)
			slices.Sort(got)
			if err != nil || !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Fatalf("List = %q, %v; want %q", got, err, want)
			}
			b, err := d.GetContent(ctx, want[2]+"/current/link")
			if err != nil || string(b) != want[2] {
				t.Fatalf("GetContent = %q, %v", b, err)
			}
			if fi, err := d.Stat(ctx, want[2]); err != nil || !fi.IsDir() || fi.Path() != want[2] {
				t.Fatalf("Stat = %v, %v", fi, err)
			}
			var walked []string
			err = d.Walk(ctx, dir, func(fi storagedriver.FileInfo) error {
				if !fi.IsDir() {
					walked = append(walked, fi.Path())
				}
				return nil
			})
			if err != nil || len(walked) != 3 || !slices.Contains(walked, want[2]+"/current/link") {
				t.Fatalf("Walk = %q, %v", walked, err)
			}
			if err := d.Delete(ctx, want[2]); err != nil {
				t.Fatal(err)
			}
			_, err = d.GetContent(ctx, want[2]+"/current/link")
			var nf storagedriver.PathNotFoundError
			if !errors.As(err, &nf) || nf.Path != want[2]+"/current/link" {
				t.Fatalf("after Delete: %v, want PathNotFoundError naming the path", err)
			}
			if got, _ := d.List(ctx, dir); len(got) != 2 {
				t.Fatalf("after Delete, List = %q", got)
			}
		})
	}
}
