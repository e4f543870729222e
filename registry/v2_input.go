package registry

import (
	"net/http"
	"regexp"
	"strconv"

	"github.com/ecrlink/ecrlink/reqinfo"
)

// checkV2Request refuses, before distribution sees it, client input that
// distribution would answer with a 500.
func checkV2Request(rt *reqinfo.RegistryRoute, r *http.Request) error {
	if err := validRouteRef(rt); err != nil {
		return err
	}
	isChunk := r.Method == http.MethodPatch || r.Method == http.MethodPut
	if cr := r.Header.Get("Content-Range"); rt.Kind == reqinfo.RouteUpload && isChunk && cr != "" && !validContentRange(cr) {
		// distribution's own answer to a range it can parse but not
		// accept; one it cannot parse (bytes=4-7) was a 500.
		return regErr(http.StatusRequestedRangeNotSatisfiable, "RANGE_INVALID", "invalid content range")
	}
	if ct := r.Header.Get("Content-Type"); rt.Kind == reqinfo.RouteUpload && r.Method == http.MethodPatch &&
		ct != "" && ct != "application/octet-stream" {
		// distribution compares the type as a string and answers any
		// other with a 500; a chunk is octet-stream in the spec.
		return regErr(http.StatusBadRequest, "BLOB_UPLOAD_INVALID",
			"blob upload invalid: Content-Type %q: a chunk must be application/octet-stream", ct)
	}
	return nil
}

// contentRangePattern is the chunk range the distribution spec defines:
// "<start>-<end>", inclusive, without a unit.
var contentRangePattern = regexp.MustCompile(`^([0-9]+)-([0-9]+)$`)

func validContentRange(cr string) bool {
	m := contentRangePattern.FindStringSubmatch(cr)
	if m == nil {
		return false
	}
	_, err1 := strconv.ParseInt(m[1], 10, 64)
	_, err2 := strconv.ParseInt(m[2], 10, 64)
	return err1 == nil && err2 == nil
}
