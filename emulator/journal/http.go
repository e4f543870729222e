package journal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// maxLimit bounds one page of records.
const maxLimit = 100000

// ServeHTTP serves the control API's journal: GET writes NDJSON records,
// oldest first (?since=SEQ for those after SEQ, ?limit=N, ?follow=true to
// keep streaming as records come); DELETE clears the ring.
func (j *Journal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		j.serveGet(w, r)
	case http.MethodDelete:
		j.Clear()
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, DELETE")
		writeError(w, http.StatusMethodNotAllowed, "the journal answers GET and DELETE")
	}
}

// query is a journal GET's parameters.
type query struct {
	since  uint64
	limit  int
	follow bool
}

func parseQuery(r *http.Request) (query, error) {
	var q query
	v := r.URL.Query()
	var err error
	if s := v.Get("since"); s != "" {
		if q.since, err = strconv.ParseUint(s, 10, 64); err != nil {
			return q, fmt.Errorf("since=%q: want a sequence number", s)
		}
	}
	if s := v.Get("limit"); s != "" {
		if q.limit, err = strconv.Atoi(s); err != nil || q.limit < 1 || q.limit > maxLimit {
			return q, fmt.Errorf("limit=%q: want 1 to %d", s, maxLimit)
		}
	}
	if s := v.Get("follow"); s != "" {
		if q.follow, err = strconv.ParseBool(s); err != nil {
			return q, fmt.Errorf("follow=%q: want true or false", s)
		}
	}
	return q, nil
}

func (j *Journal) serveGet(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	rc := http.NewResponseController(w)
	sent := 0
	for {
		recs, last := j.since(q.since, q.limit-sent)
		for _, rec := range recs {
			if enc.Encode(rec) != nil {
				return
			}
			q.since = rec.Seq
		}
		sent += len(recs)
		if !q.follow || (q.limit > 0 && sent >= q.limit) {
			return
		}
		// What was cleared while we read is not waited for.
		q.since = max(q.since, last)
		_ = rc.Flush()
		if j.Wait(r.Context(), q.since) != nil {
			return
		}
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
