package emulator

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/scenario"
)

// controlPrefix is where the control API lives, on direct-mode names only
// (DESIGN.md's control API).
const controlPrefix = "/_ecrlink/"

// control is the control API's handler.
func (s *Server) control() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_ecrlink/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("/_ecrlink/journal", s.journal)
	mux.HandleFunc("GET /_ecrlink/scenario", s.getScenario)
	mux.HandleFunc("PUT /_ecrlink/scenario", s.putScenario)
	mux.HandleFunc("PATCH /_ecrlink/scenario", s.patchScenario)
	mux.HandleFunc("POST /_ecrlink/reset", s.reset)
	mux.HandleFunc("GET /_ecrlink/ca.pem", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Write(s.edges.ca.CertPEM())
	})
	mux.HandleFunc("GET /_ecrlink/hosts", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, s.Hosts())
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no control API at " + r.Method + " " + r.URL.Path})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg := s.controlRefusal(r); msg != "" {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": msg})
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// controlRefusal says why r may not use the control API, or "" if it may:
// with a control token, only a request bearing it; without, only one from
// the loopback interface.
func (s *Server) controlRefusal(r *http.Request) string {
	if tok := s.cfg.ControlToken; tok != "" {
		want := "Bearer " + tok
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
			return "the control API needs Authorization: Bearer with the control token"
		}
		return ""
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return "without a control token the control API answers only on the loopback interface"
	}
	// A browser page can reach a loopback port too, by a rebound name or
	// a cross-site request: those carry a foreign Host or an Origin.
	if !loopbackName(r.Host) || r.Header.Get("Origin") != "" {
		return "without a control token the control API answers only requests to a loopback address or localhost, and none from a browser page"
	}
	return ""
}

// loopbackName reports whether a Host header names the loopback
// interface: a loopback address or localhost.
func loopbackName(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		return ip.IsLoopback()
	}
	return strings.EqualFold(host, "localhost")
}

// getScenario answers the scenario in force, its secret keys redacted:
// what a caller put in stays out of what the control API hands out.
func (s *Server) getScenario(w http.ResponseWriter, _ *http.Request) {
	sc := s.Scenario()
	if sc == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no scenario: ecrlink serves plain ECR, every endpoint present"})
		return
	}
	writeScenario(w, redacted(sc))
}

// redactedSecret stands for a secret access key in answers.
const redactedSecret = "REDACTED"

// keepSecrets gives an identity whose secret is the redaction mark the
// secret the scenario in force has for its key, so a document read back
// with GET can be PUT again as it is.
func (s *Server) keepSecrets(sc *scenario.Scenario) {
	cur := s.Scenario()
	if cur == nil {
		return
	}
	for i := range sc.Identities {
		id := &sc.Identities[i]
		for _, old := range cur.Identities {
			if id.SecretAccessKey == redactedSecret && old.AccessKeyID == id.AccessKeyID {
				id.SecretAccessKey = old.SecretAccessKey
			}
		}
	}
}

// redacted is a copy of sc with its identities' secret keys replaced.
func redacted(sc *scenario.Scenario) *scenario.Scenario {
	out := *sc
	out.Identities = slices.Clone(sc.Identities)
	for i := range out.Identities {
		out.Identities[i].SecretAccessKey = redactedSecret
	}
	return &out
}

func (s *Server) putScenario(w http.ResponseWriter, r *http.Request) {
	body, ok := readScenarioBody(w, r)
	if !ok {
		return
	}
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	s.replaceScenarioLocked(w, r, body)
}

// patchScenario applies an RFC 7396 merge patch or an RFC 6902 JSON Patch
// to the scenario in force (or to an empty document), validated like PUT.
// The scenario patched is the one replaced: two PATCHes at once apply one
// after the other.
func (s *Server) patchScenario(w http.ResponseWriter, r *http.Request) {
	patch, ok := readScenarioBody(w, r)
	if !ok {
		return
	}
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	base := []byte("{}")
	if sc := s.Scenario(); sc != nil {
		b, err := sc.JSON()
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		base = b
	}
	doc, err := applyPatch(r.Header.Get("Content-Type"), base, patch)
	if err != nil {
		writeErrors(w, http.StatusBadRequest, scenario.Errors{{Message: err.Error()}})
		return
	}
	s.replaceScenarioLocked(w, r, doc)
}

func applyPatch(contentType string, base, patch []byte) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/merge-patch+json":
		return jsonpatch.MergePatch(base, patch)
	case "application/json-patch+json":
		p, err := jsonpatch.DecodePatch(patch)
		if err != nil {
			return nil, fmt.Errorf("JSON Patch: %w", err)
		}
		return p.Apply(base)
	}
	return nil, fmt.Errorf("PATCH takes application/merge-patch+json or application/json-patch+json, not %q", contentType)
}

// replaceScenarioLocked parses doc and, if it is valid, puts it in force;
// invalid, nothing changes. applyMu is held.
func (s *Server) replaceScenarioLocked(w http.ResponseWriter, r *http.Request, doc []byte) {
	sc, err := scenario.Parse(doc)
	if err != nil {
		var es scenario.Errors
		if !errors.As(err, &es) {
			es = scenario.Errors{{Message: err.Error()}}
		}
		writeErrors(w, http.StatusBadRequest, es)
		return
	}
	s.keepSecrets(sc)
	if err := s.applyLocked(r.Context(), sc); err != nil {
		s.cfg.Logger.Error("control API: applying a scenario", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "applying the scenario: " + err.Error()})
		return
	}
	writeScenario(w, redacted(sc))
}

// reset puts back the scenario ecrlink started with.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	if err := s.apply(r.Context(), s.cfg.Scenario); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "reset: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
}

// readScenarioBody reads a scenario document or patch, bounded as Parse
// bounds documents.
func readScenarioBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, scenario.MaxSize))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeErrors(w, http.StatusRequestEntityTooLarge, scenario.Errors{{Message: fmt.Sprintf("the document is larger than %d bytes", scenario.MaxSize)}})
		return nil, false
	case err != nil:
		writeErrors(w, http.StatusBadRequest, scenario.Errors{{Message: "reading the document: " + err.Error()}})
		return nil, false
	}
	return body, true
}

func writeScenario(w http.ResponseWriter, sc *scenario.Scenario) {
	b, err := sc.JSON()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func writeErrors(w http.ResponseWriter, status int, es scenario.Errors) {
	writeJSON(w, status, map[string]scenario.Errors{"errors": es})
}

// Journal is the server's request journal.
func (s *Server) Journal() *journal.Journal { return s.journal }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
