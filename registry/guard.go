package registry

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sync"

	"github.com/distribution/distribution/v3"
	"github.com/distribution/distribution/v3/registry/api/errcode"
	repositorymiddleware "github.com/distribution/distribution/v3/registry/middleware/repository"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// errUploadGone says an upload completed or was cancelled, or went with its
// repository, while a request for it was under way.
var errUploadGone = errors.New("upload is gone")

// writeLocked runs write under repository name's lock, handing it the
// repository's current record, once the repository exists (else
// errNoRepository) and, if uploadID is not empty, that upload is still live
// (else errUploadGone). DeleteRepository and PutImageTagMutability take the
// same lock, so what write checks against the record still holds when it
// commits. write's error comes back unwrapped: distribution's handlers tell
// its errors apart by type.
func (s *registry) writeLocked(ctx context.Context, name, uploadID string, write func(cur *repoMeta) error) error {
	unlock, err := s.lockRepo(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.getRepo(ctx, name)
	if err != nil {
		return err
	}
	if err := s.uploadLive(ctx, name, uploadID); err != nil {
		return err
	}
	return write(cur)
}

// uploadLive checks that repository name holds upload id, if id is not
// empty: a commit must not move an upload whose files went with a deleted
// repository, nor one already completed.
func (s *registry) uploadLive(ctx context.Context, name, id string) error {
	if id == "" {
		return nil
	}
	// distribution writes startedat when the upload begins and removes it
	// with the rest when the upload completes or is cancelled.
	if _, err := s.driver.Stat(ctx, path.Join(uploadDir(name, id), "startedat")); err != nil {
		if isPathNotFound(err) {
			return fmt.Errorf("upload %s: %w", id, errUploadGone)
		}
		return err
	}
	return nil
}

// sameRepository reports whether cur is the repository a request found as
// was: not one deleted and created again under the same name meanwhile.
func sameRepository(was, cur *repoMeta) bool {
	return was.Name == cur.Name && was.CreatedAt.Equal(cur.CreatedAt)
}

// uploadDir is where distribution keeps upload id of repository name.
func uploadDir(name, id string) string {
	return path.Join("/docker/registry/v2/repositories", name, "_uploads", id)
}

// guardMiddleware is the repository middleware through which the embedded
// App commits blob uploads under writeLocked. distribution reads an
// upload's last chunk itself, in the same request that commits it, and the
// repository lock must not wait for a slow body: the middleware takes it
// only for the commit. Registration is process-wide, as for
// captureMiddleware; the Service travels in the options.
const guardMiddleware = "ecrlink-guard"

var registerGuard = sync.OnceValue(func() error {
	return repositorymiddleware.Register(guardMiddleware, func(_ context.Context, repo distribution.Repository,
		opts map[string]any) (distribution.Repository, error) {
		s, ok := opts["service"].(*registry)
		if !ok {
			return nil, fmt.Errorf("%s: missing service option", guardMiddleware)
		}
		return &guardedRepository{Repository: repo, s: s}, nil
	})
})

type guardedRepository struct {
	distribution.Repository
	s *registry
}

func (r *guardedRepository) Blobs(ctx context.Context) distribution.BlobStore {
	return &guardedBlobs{BlobStore: r.Repository.Blobs(ctx), name: r.Named().Name(), s: r.s}
}

type guardedBlobs struct {
	distribution.BlobStore
	name string
	s    *registry
}

func (b *guardedBlobs) Resume(ctx context.Context, id string) (distribution.BlobWriter, error) {
	bw, err := b.BlobStore.Resume(ctx, id)
	if err != nil {
		return nil, err
	}
	return &guardedWriter{BlobWriter: bw, name: b.name, s: b.s}, nil
}

type guardedWriter struct {
	distribution.BlobWriter
	name string
	s    *registry
}

func (w *guardedWriter) Commit(ctx context.Context, desc v1.Descriptor) (v1.Descriptor, error) {
	var out v1.Descriptor
	err := w.s.writeLocked(ctx, w.name, w.ID(), func(*repoMeta) (err error) {
		out, err = w.BlobWriter.Commit(ctx, desc)
		return err
	})
	if errors.Is(err, errUploadGone) || errors.Is(err, errNoRepository) {
		// distribution passes an errcode.Error through as the answer.
		return out, errcode.ErrorCodeBlobUploadUnknown.WithDetail(err.Error())
	}
	return out, err
}
