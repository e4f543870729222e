package emulator

import (
	"encoding/json"
	"net/http"

	"github.com/ecrlink/ecrlink/emulator/journal"
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
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no control API at " + r.URL.Path})
	})
	return mux
}

// Journal is the server's request journal.
func (s *Server) Journal() *journal.Journal { return s.journal }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
