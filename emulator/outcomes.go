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
	// Over TLS (the TLS listener, a proxy tunnel) the TCP connection is
	// beneath: closing the TLS one would send close_notify, which a client
	// reads as EOF, not as a reset.
	raw := tcpBeneath(conn)
	if tc, ok := raw.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	raw.Close()
}

// tcpBeneath is the connection at the bottom of c's wrappers (a
// *tls.Conn, a proxy tunnel), each of which names the one beneath by
// NetConn.
func tcpBeneath(c net.Conn) net.Conn {
	for {
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			return c
		}
		c = u.NetConn()
	}
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
