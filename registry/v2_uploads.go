package registry

import (
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
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
func (s *Service) mountable(ctx context.Context, r *http.Request, dst *repoMeta) bool {
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
	arn := repositoryARN(s.cfg.Region, s.cfg.Account, from)
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
