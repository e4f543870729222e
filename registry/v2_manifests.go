package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"

	"github.com/ecrlink/ecrlink/reqinfo"

	"github.com/opencontainers/go-digest"
)

// maxManifestSize is the model's ImageManifest limit (ECR-FACTS §2.3).
const maxManifestSize = 4 << 20

// tagPattern is the registry API's tag grammar; a tag ECR's API would take
// but the registry API cannot carry (a "+") is a 400 (ECR-FACTS §2.3).
var tagPattern = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)

// validReference checks a manifest reference: a digest or a tag.
func validReference(ref string) error {
	if _, err := digest.Parse(ref); err == nil {
		return nil
	}
	if !tagPattern.MatchString(ref) {
		return regErr(http.StatusBadRequest, "TAG_INVALID", "invalid tag '%s'", ref)
	}
	return nil
}

// putManifestV2 applies ECR's rules to a manifest PUT — the size limit and
// tag immutability — then lets distribution store it, under the repository
// lock so that concurrent pushes of one tag cannot both pass the check, nor
// a delete or a change of mutability come between the check and the write.
func (s *registry) putManifestV2(w http.ResponseWriter, r *http.Request, rt *reqinfo.RegistryRoute, meta *repoMeta) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxManifestSize))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return regErr(http.StatusRequestEntityTooLarge, "MANIFEST_INVALID", "manifest invalid: manifest exceeds %d bytes", maxManifestSize)
		}
		return regErr(http.StatusBadRequest, "MANIFEST_INVALID", "manifest invalid: %v", err)
	}
	var doc manifestDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		return regErr(http.StatusBadRequest, "MANIFEST_INVALID", "manifest invalid: %v", err)
	}
	if err := checkManifest(body); err != nil {
		return regErr(http.StatusBadRequest, "MANIFEST_INVALID", "manifest invalid: %v", err)
	}
	tag := ""
	if _, err := digest.Parse(rt.Ref); err != nil {
		tag = rt.Ref
	}
	// The body is read before the lock, which a slow one must not hold;
	// the record is read again under it, since the repository may have
	// been deleted or its tags made immutable meanwhile.
	err = s.writeLocked(r.Context(), rt.Name, "", func(cur *repoMeta) error {
		if !sameRepository(meta, cur) {
			return fmt.Errorf("%s: %w", rt.Name, errNoRepository)
		}
		repo, err := s.repository(r.Context(), rt.Name)
		if err != nil {
			return err
		}
		if err := s.checkTagMove(r.Context(), repo, cur, tag, digest.FromBytes(body)); err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		if doc.Subject != nil {
			// distribution does not announce that it processed the subject
			// (OCI distribution-spec 1.1); ECR serves referrers, so say so.
			w.Header().Set("OCI-Subject", doc.Subject.Digest.String())
		}
		return s.serveApp(w, r, rt)
	})
	if errors.Is(err, errNoRepository) {
		return nameUnknown(rt.Name, s.account)
	}
	return err
}
