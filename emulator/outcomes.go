package emulator

import (
	"net"
	"net/http"

	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/netmodel"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// unserved answers a request the network does not deliver, as DESIGN.md's
// outcome table says for direct mode: no route holds it unanswered for the
// world's hold and then drops the connection; a name that does not
// resolve closes it at once. The record is journaled first, so it can be
// read while the client waits.
func (s *Server) unserved(w http.ResponseWriter, r *http.Request, wd *world, rec journal.Record) {
	s.journal.Append(rec)
	if rec.Outcome == journal.OutcomeHeld {
		s.hold(r, wd)
	}
	dropConnection(w)
}

// dropConnection closes the request's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	panic(http.ErrAbortHandler) // net/http closes the connection, unlogged
}

// resetConnection closes the request's connection with a TCP reset, as a
// refused or reset connection shows itself.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

// unserved is the journal record of a request the network did not deliver.
func (rec *recording) unserved(r *http.Request, info *reqinfo.Info, d netmodel.Decision) journal.Record {
	out := rec.base(r, info)
	out.Error, out.Outcome = d.Error, journal.OutcomeNXDomain
	if d.Outcome == netmodel.NoRoute {
		out.Outcome = journal.OutcomeHeld
	}
	return out
}
