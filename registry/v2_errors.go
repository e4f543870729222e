package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/ecrlink/ecrlink/reqinfo"
)

// maxErrorBody bounds how much of distribution's error body is kept for
// rewriting.
const maxErrorBody = 64 << 10

// ecrErrorWriter passes distribution's successful responses straight
// through (blobs stream unbuffered) and holds back its error responses so
// finish can rewrite them into ECR's codes and texts.
type ecrErrorWriter struct {
	http.ResponseWriter
	rt      *reqinfo.RegistryRoute
	method  string
	status  int
	holding bool
	body    bytes.Buffer
}

func (w *ecrErrorWriter) WriteHeader(status int) {
	if w.status != 0 {
		return
	}
	w.status = status
	if status >= 400 {
		w.holding = true
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *ecrErrorWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.holding {
		return w.ResponseWriter.Write(p)
	}
	if room := maxErrorBody - w.body.Len(); room > 0 {
		w.body.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// Unwrap lets http.ResponseController reach the connection.
func (w *ecrErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish writes a held error, rewritten.
func (w *ecrErrorWriter) finish() error {
	if !w.holding {
		return nil
	}
	w.Header().Del("Content-Length")
	var env struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(w.body.Bytes(), &env) != nil || len(env.Errors) == 0 {
		return unparsedError(w.status)
	}
	e := env.Errors[0]
	switch e.Code {
	case "MANIFEST_UNKNOWN":
		// docker prints "manifest unknown: Requested image not found" (ECR-FACTS G3).
		return regErr(http.StatusNotFound, e.Code, "Requested image not found")
	case "NAME_UNKNOWN":
		// The repository exists (serveV2 checked); distribution has no
		// storage for it yet because nothing was pushed.
		return w.emptyRepository()
	case "BLOB_UPLOAD_INVALID":
		if w.status == http.StatusNotFound { // an upload id distribution has no state for
			return regErr(w.status, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry")
		}
	case "BLOB_UNKNOWN":
		return regErr(w.status, e.Code, "blob unknown to registry")
	}
	return &RegistryError{Code: e.Code, Message: e.Message, Status: w.status}
}

// emptyRepository answers for a repository that exists but holds nothing.
func (w *ecrErrorWriter) emptyRepository() error {
	switch w.rt.Kind {
	case reqinfo.RouteTags:
		body, _ := json.Marshal(struct {
			Name string   `json:"name"`
			Tags []string `json:"tags"`
		}{w.rt.Name, []string{}})
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.ResponseWriter.WriteHeader(http.StatusOK)
		_, _ = w.ResponseWriter.Write(body)
		return nil
	case reqinfo.RouteManifest:
		return regErr(http.StatusNotFound, "MANIFEST_UNKNOWN", "Requested image not found")
	case reqinfo.RouteUpload:
		return regErr(http.StatusNotFound, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry")
	}
	return regErr(http.StatusNotFound, "BLOB_UNKNOWN", "blob unknown to registry")
}

// unparsedError stands for an error distribution answered without its
// errors envelope (a router's plain-text 404 or 405, say): its status is
// kept, and the message says only what the status says.
func unparsedError(status int) *RegistryError {
	code := "UNKNOWN"
	switch status {
	case http.StatusMethodNotAllowed:
		code = "UNSUPPORTED" // the distribution spec's code for it
	case http.StatusUnauthorized:
		code = "UNAUTHORIZED"
	case http.StatusForbidden:
		code = "DENIED"
	}
	msg := strings.ToLower(http.StatusText(status))
	if msg == "" {
		msg = fmt.Sprintf("status %d", status)
	}
	return &RegistryError{Code: code, Message: msg, Status: status}
}
