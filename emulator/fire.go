package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/ecrlink/ecrlink/emulator/faults"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/netmodel"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// faultRequest is what the scenario's faults match a request by: its
// service, action, repository and the AWS name it is decided for. An API
// call names its repository in its body: when a fault matches on one, the
// body's start is read for it (a few KiB, before authentication: bounded
// like any header) and put back for the service to read whole.
func (w *world) faultRequest(r *http.Request, info *reqinfo.Info) faults.Request {
	fr := faults.Request{Service: info.Class.Service, Action: info.Class.Action,
		Repository: info.Class.Route.Name, Host: w.host(info).String()}
	if w.byRepository && info.Class.Service == reqinfo.ServiceAPI && r.Body != nil {
		fr.Repository = peekRepository(r)
	}
	return fr
}

// maxPeek bounds what is read of an API body to find its repositoryName;
// the SDKs write it among the first members.
const maxPeek = 16 << 10

// peekRepository reads the start of r's body for its repositoryName and
// gives r the body back whole.
func peekRepository(r *http.Request) string {
	head := make([]byte, maxPeek)
	n, err := io.ReadFull(r.Body, head)
	head = head[:n]
	r.Body = readCloser{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return ""
	}
	m := repositoryMember.FindSubmatch(head)
	if m == nil {
		return ""
	}
	var name string
	if json.Unmarshal(m[1], &name) != nil {
		return ""
	}
	return name
}

var repositoryMember = regexp.MustCompile(`"repositoryName"\s*:\s*("(?:[^"\\]|\\.)*")`)

// readCloser is a body read from r and closed by c.
type readCloser struct {
	io.Reader
	c io.Closer
}

func (b readCloser) Close() error { return b.c.Close() }

// injectFault fires the world's first fault that owns the request, if
// it fires: ok false means the fault answered (or dropped) the request;
// otherwise w is what the service writes to, and fault, if set, the record
// the journal keeps of the fault.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, wd *world, info *reqinfo.Info, rec *recording,
	d netmodel.Decision) (_ http.ResponseWriter, fault *journal.Record, ok bool) {
	if wd.faults == nil {
		return w, nil, true
	}
	fr := wd.faultRequest(r, info)
	f, fired := wd.faults.Decide(fr)
	if !fired {
		return w, nil, true
	}
	out := rec.unserved(r, info, d)
	next, ok := s.fire(w, r, wd, f, fr, &out)
	return next, &out, ok
}

// fire answers a request a fault fired on, and says how it was answered:
// for the effects that replace the answer it writes them (ok false, the
// request is done); for slow and reset it returns the writer that paces or
// breaks the real answer.
func (s *Server) fire(w http.ResponseWriter, r *http.Request, wd *world, f faults.Fault, fr faults.Request, rec *journal.Record) (http.ResponseWriter, bool) {
	rec.Outcome, rec.Error = journal.OutcomeFault, faults.ClientText(f.Effect, fr)
	switch f.Effect {
	case "throttle", "http-500":
		resp := faults.Throttle(rec.Service)
		if f.Effect == "http-500" {
			resp = faults.InternalError(rec.Service)
		}
		resp = resp.WithRequestID(requestID(8), requestID(24))
		for k, v := range resp.Headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", resp.ContentType)
		w.WriteHeader(resp.Status)
		_, _ = w.Write(resp.Body)
		rec.Status = resp.Status
		s.journal.Append(*rec)
		return nil, false
	case "timeout":
		s.journal.Append(*rec)
		s.hold(r, wd)
		dropConnection(w)
		return nil, false
	case "nxdomain":
		s.journal.Append(*rec)
		dropConnection(w)
		return nil, false
	case "refuse":
		s.journal.Append(*rec)
		resetConnection(w)
		return nil, false
	case "slow":
		return &pacedWriter{ResponseWriter: w, pace: faults.Pace{BytesPerSecond: f.BytesPerSecond}, start: time.Now(), done: s.stopping}, true
	}
	return &resetWriter{ResponseWriter: w, after: resetAfter}, true // reset
}

// maxHeld bounds the requests held at once: a client retrying against a
// name with no route must not pile up connections without end. Past it,
// a request that should be held is dropped at once, which a client meets
// as the same failure, sooner.
const maxHeld = 1024

// withFault is the journal record of a request served through a fault's
// writer: a reset (which is made now, if the answer ended before its body
// broke) is what the client met; a slow answer is the service's own,
// slowed, so its outcome and words stay.
func withFault(out journal.Record, fault *journal.Record, w http.ResponseWriter) journal.Record {
	switch fw := w.(type) {
	case *resetWriter:
		fw.finish()
		out.Outcome, out.Error = fault.Outcome, fault.Error
	case *pacedWriter:
		out.Route.Reason += "; the answer slowed by a fault to " + strconv.Itoa(fw.pace.BytesPerSecond) + " bytes per second"
	}
	return out
}

// hold waits out the world's hold, or until the client or the server
// goes.
func (s *Server) hold(r *http.Request, wd *world) {
	select {
	case s.held <- struct{}{}:
		defer func() { <-s.held }()
	default:
		s.cfg.Logger.Warn("emulator: too many requests held; dropping this one at once", "held", maxHeld, "host", r.Host)
		return
	}
	t := time.NewTimer(wd.hold)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-s.stopping:
	}
}

func requestID(n int) string {
	b := make([]byte, n/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// pacedWriter writes a body at a fault's bytes per second.
type pacedWriter struct {
	http.ResponseWriter
	pace    faults.Pace
	start   time.Time
	written int64
	done    <-chan struct{}
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		piece := b[:min(len(b), p.pace.Chunk())]
		if d := p.pace.Delay(p.written, time.Since(p.start)); d > 0 {
			select {
			case <-time.After(d):
			case <-p.done:
				return n, net.ErrClosed
			}
		}
		m, err := p.ResponseWriter.Write(piece)
		n, p.written, b = n+m, p.written+int64(m), b[m:]
		if err != nil {
			return n, err
		}
		_ = http.NewResponseController(p.ResponseWriter).Flush()
	}
	return n, nil
}

func (p *pacedWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }

// resetAfter is how much of a body a reset lets through: enough that the
// client has begun reading.
const resetAfter = 16 << 10

// resetWriter lets the first bytes of a body through, then resets the
// connection, as a connection reset mid-download shows itself.
type resetWriter struct {
	http.ResponseWriter
	after   int
	written int
	broken  bool
}

func (rw *resetWriter) Write(b []byte) (int, error) {
	if rw.broken {
		return 0, net.ErrClosed
	}
	if rw.written == 0 {
		// A small body is cut in half, so that it too breaks mid-way; of
		// a body of unknown length, half its first piece gets through.
		n, err := strconv.ParseInt(rw.Header().Get("Content-Length"), 10, 64)
		if err != nil {
			n = int64(len(b))
		}
		rw.after = int(min(n/2, int64(rw.after)))
	}
	if rw.written+len(b) <= rw.after {
		n, err := rw.ResponseWriter.Write(b)
		rw.written += n
		return n, err
	}
	n, _ := rw.ResponseWriter.Write(b[:rw.after-rw.written])
	rw.written += n
	_ = http.NewResponseController(rw.ResponseWriter).Flush()
	rw.broken = true
	resetConnection(rw.ResponseWriter)
	return n, net.ErrClosed
}

func (rw *resetWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// finish resets the connection of an answer that ended before its body
// broke (one without a body, or shorter than expected): a reset fault
// always resets.
func (rw *resetWriter) finish() {
	if !rw.broken {
		rw.broken = true
		resetConnection(rw.ResponseWriter)
	}
}
