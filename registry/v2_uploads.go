package registry

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/ecrlink/ecrlink/reqinfo"
)

// mountable reports whether a blob upload's ?mount=&from= may be passed to
// distribution, which then links the blob from the source repository (201)
// or, when the source does not hold it, starts a plain upload (202).
//
// ECR mounts only within the registry, between repositories of the same
// encryption configuration, and only for a caller allowed
// ecr:GetDownloadUrlForLayer on the source (ECR-FACTS §4; the user guide's
// blob-mounting.md), and when the account has set BLOB_MOUNTING=ENABLED.
// Any other mount request starts a plain upload, as on ECR.
func (s *registry) mountable(ctx context.Context, r *http.Request, dst *repoMeta) bool {
	q := r.URL.Query()
	if q.Get("mount") == "" {
		return false
	}
	if v, err := s.accountSetting(ctx, "BLOB_MOUNTING"); err != nil || v != "ENABLED" {
		return false
	}
	from := q.Get("from")
	if q.Get("mount") == "" || from == "" || from == dst.Name ||
		!repositoryNamePattern.MatchString(from) || len(from) > 256 {
		return false
	}
	src, err := s.getRepo(ctx, from)
	if err != nil || src.EncryptionType != dst.EncryptionType || src.KMSKey != dst.KMSKey {
		return false
	}
	arn := repositoryARN(s.region, s.account, from)
	return s.authorize(ctx, principalFrom(ctx), "ecr:GetDownloadUrlForLayer", arn) == nil
}

// withoutMount turns a mount request into a plain upload request.
func withoutMount(r *http.Request) {
	q := r.URL.Query()
	if !q.Has("mount") && !q.Has("from") {
		return
	}
	q.Del("mount")
	q.Del("from")
	r.URL.RawQuery = q.Encode()
}

// queryOnlyForm makes the query the whole of what distribution reads as the
// request's form. Its upload handlers take mount, from, digest and _state
// from r.FormValue, which would also parse a urlencoded or multipart body,
// ahead of the query; but ecrlink checks only the query (mountable), and an
// upload's body is blob bytes, never parameters. With Form, PostForm and
// MultipartForm set, FormValue reads them as they are and leaves the body
// alone.
func queryOnlyForm(r *http.Request) {
	r.Form = r.URL.Query()
	r.PostForm = url.Values{}
	r.MultipartForm = &multipart.Form{Value: map[string][]string{}, File: map[string][]*multipart.FileHeader{}}
}

// startUpload lets distribution open an upload, or mount a blob, under the
// repository lock, so that neither lands in a repository deleted since
// serveV2 found it.
func (s *registry) startUpload(w http.ResponseWriter, r *http.Request, rt *reqinfo.RegistryRoute, meta *repoMeta) error {
	if !s.mountable(r.Context(), r, meta) {
		withoutMount(r)
	}
	err := s.writeLocked(r.Context(), rt.Name, "", func(cur *repoMeta) error {
		if !sameRepository(meta, cur) {
			return errNoRepository // recreated: the mount was decided for the old one
		}
		return s.serveApp(w, r, rt)
	})
	if errors.Is(err, errNoRepository) {
		return nameUnknown(rt.Name, s.account)
	}
	return err
}

// serveUpload hands a request that writes to an upload (PATCH, PUT, DELETE)
// to distribution once the request owns the upload: distribution itself
// lets a PUT commit while a PATCH still appends, which would store bytes
// under a digest they do not have. A request waits for the one before it,
// then sees its outcome: a completed or cancelled upload is
// BLOB_UPLOAD_UNKNOWN, one that grew meanwhile RANGE_INVALID.
func (s *registry) serveUpload(w http.ResponseWriter, r *http.Request, rt *reqinfo.RegistryRoute) error {
	unlock, err := s.lockUpload(r.Context(), rt.Name, rt.Ref)
	if err != nil {
		return err
	}
	defer unlock()
	return s.serveApp(w, r, rt)
}

// lockUpload makes the request the owner of upload id of repository name,
// on either API, waiting for the owner before it as long as ctx allows.
func (s *registry) lockUpload(ctx context.Context, name, id string) (unlock func(), err error) {
	// Repository names cannot contain a NUL, so the key is this upload's.
	// Ids are folded to lower case: the API takes them in either case, and
	// on a case-insensitive data directory both spell one upload.
	release, err := s.uploadLocks.Lock(ctx, name+"\x00"+strings.ToLower(id))
	if err != nil {
		return nil, fmt.Errorf("waiting for upload %s: %w", id, err)
	}
	return func() {
		s.dropOrphanUpload(context.WithoutCancel(ctx), name, id)
		release()
	}, nil
}

// dropOrphanUpload removes what a write to upload id left behind after its
// repository was deleted under it (a PATCH's data and hash state, written
// as the request ended): without its startedat file, distribution's purger
// would never collect them.
func (s *registry) dropOrphanUpload(ctx context.Context, name, id string) {
	if !errors.Is(s.uploadLive(ctx, name, id), errUploadGone) {
		return
	}
	if err := s.driver.Delete(ctx, uploadDir(name, id)); err != nil && !isPathNotFound(err) {
		s.cfg.Logger.Warn("registry: removing an orphaned upload", "repository", name, "upload", id, "err", err)
	}
}
