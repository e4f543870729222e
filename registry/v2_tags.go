package registry

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/ecrlink/ecrlink/reqinfo"
)

// serveTags answers GET /v2/<name>/tags/list from the repository's tag
// directory, with the registry API's n/last paging and a Link header to the
// next page (ECR-FACTS §3).
//
// ecrlink answers this itself rather than through distribution, whose
// listing walks the tag directory with the storage driver's Walk:
// distribution's in-memory driver loses a tag whose name is also a
// directory inside every tag ("index"), so `tags/list` never showed a tag
// named "index". Reading the directory with one List, as the ECR API's
// ListImages does, sees every tag.
func (s *registry) serveTags(w http.ResponseWriter, r *http.Request, rt *reqinfo.RegistryRoute) error {
	q := r.URL.Query()
	limit := -1
	if n := q.Get("n"); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 {
			return regErr(http.StatusBadRequest, "PAGINATION_NUMBER_INVALID", "invalid number of results requested")
		}
		limit = v
	}
	last := q.Get("last")
	repo, err := s.repository(r.Context(), rt.Name)
	if err != nil {
		return err
	}
	tags, err := repo.Tags(r.Context()).All(r.Context())
	if err != nil && !isNotFound(err) {
		return err
	}
	slices.Sort(tags) // All sorts today; the paging below depends on it
	if last != "" {
		i, found := slices.BinarySearch(tags, last)
		if found {
			i++
		}
		tags = tags[i:]
	}
	h := w.Header()
	if limit >= 0 && len(tags) > limit {
		tags = tags[:limit]
		if limit > 0 {
			next := url.Values{"n": {strconv.Itoa(limit)}, "last": {tags[len(tags)-1]}}
			h.Set("Link", `<`+r.URL.Path+`?`+next.Encode()+`>; rel="next"`)
		}
	}
	if tags == nil {
		tags = []string{}
	}
	body, err := json.Marshal(struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}{rt.Name, tags})
	if err != nil {
		return err
	}
	// ECR labels this JSON text/plain (ECR-FACTS §3, registry_auth.md).
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Docker-Distribution-Api-Version", "registry/2.0")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}
