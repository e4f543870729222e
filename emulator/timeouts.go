package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// Defaults of Config's connection limits. Go's and docker's clients keep
// idle connections for 90 s, so the server keeps them a little longer. A
// body must move at about 550 bytes a second: far below any real push, far
// above a trickle meant to hold a connection.
const (
	DefaultIdleTimeout  = 2 * time.Minute
	DefaultBodyTimeout  = 30 * time.Second
	DefaultBodyMinBytes = 16 << 10
)

// withConnDefaults fills in the connection limits' defaults.
func (c Config) withConnDefaults() Config {
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.BodyTimeout == 0 {
		c.BodyTimeout = DefaultBodyTimeout
	}
	if c.BodyMinBytes <= 0 {
		c.BodyMinBytes = DefaultBodyMinBytes
	}
	return c
}

// errBodyStalled is the cause of a request context cancelled because its
// body stopped moving.
var errBodyStalled = errors.New("request body stalled")

// withBodyProgress gives up on a request whose body, while a handler reads
// it, delivers fewer than minBytes in window. http.Server's ReadTimeout
// would bound the whole request, cutting off a large upload that is moving;
// instead each read gets a connection read deadline for what is left of
// the current window, and every minBytes received open a new window. Time
// the handler spends between reads does not count.
//
// A stalled body is treated as a client that went away: its request
// context is cancelled, so handlers stop, and distribution answers
// 499 rather than 500.
//
// A body the handler leaves unread is bounded too: net/http reads up to
// 256 KiB of it, before it answers, to keep the connection, and would wait
// on a trickle for ever. The connection's read deadline is armed before the
// handler runs, and after it the rest of the body is read past within one
// window: a client that sent its whole body gets its answer at once and
// keeps its connection, a trickle gets the answer and is hung up on.
func withBodyProgress(window time.Duration, minBytes int64, next http.Handler) http.Handler {
	if window <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancelCause(r.Context())
		defer cancel(nil)
		rc := http.NewResponseController(w)
		body := &progressBody{ReadCloser: r.Body, rc: rc, cancel: cancel,
			window: window, left: window, minBytes: minBytes, remain: r.ContentLength}
		// Nothing has read the body yet, so no background read of the
		// connection is pending that the deadline could cut off.
		if rc.SetReadDeadline(time.Now().Add(window)) != nil {
			body.done = true // no deadlines on this connection
		}
		r = r.WithContext(ctx)
		r.Body = body
		next.ServeHTTP(w, r)
		if !expectsContinue(r) { // net/http hangs up rather than ask for a body unread
			body.skipRest()
		}
	})
}

// expectsContinue reports whether r's client waits to be asked for its body.
func expectsContinue(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("Expect")), "100-continue")
}

// maxUnreadBody is what net/http reads of a body its handler left, to keep
// the connection; with more left it closes the connection unread.
const maxUnreadBody = 256 << 10

// progressBody is a request body whose reads enforce withBodyProgress.
type progressBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	cancel   context.CancelCauseFunc
	window   time.Duration
	left     time.Duration // of the current window
	minBytes int64
	got      int64 // in the current window
	remain   int64 // of a declared length; negative if none was
	done     bool  // no more deadlines: set once the body is over or stalled
}

// skipRest reads past what the handler left of the body, within one window,
// before net/http looks for its end with no deadline of its own.
func (p *progressBody) skipRest() {
	if p.done || p.remain >= maxUnreadBody {
		return // over, or net/http closes the connection without reading it
	}
	p.done = true
	// net/http may have read the end of the body itself, while answering,
	// and read the connection in the background since: a deadline passing
	// there would cancel the connection's context. An empty read tells
	// whether the body is over (or closed) without reading the connection.
	if _, err := p.ReadCloser.Read(nil); err != nil {
		return
	}
	if p.rc.SetReadDeadline(time.Now().Add(p.window)) != nil {
		return
	}
	_, err := io.CopyN(io.Discard, p.ReadCloser, maxUnreadBody)
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		// More body than net/http reads, or a stalled one: the deadline
		// bounds what net/http tries next, and it then hangs up.
		return
	}
	// The body is over: no deadline may outlive it, as in Read.
	_ = p.rc.SetReadDeadline(time.Time{})
}

func (p *progressBody) Read(b []byte) (int, error) {
	if p.done {
		return p.ReadCloser.Read(b)
	}
	start := time.Now()
	if err := p.rc.SetReadDeadline(start.Add(p.left)); err != nil {
		p.done = true // no deadlines on this connection: read unbounded
		return p.ReadCloser.Read(b)
	}
	n, err := p.ReadCloser.Read(b)
	p.remain -= int64(n)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The deadline stays in the past: the server would otherwise try
		// to drain the rest of the trickle before it answers.
		p.done = true
		p.cancel(errBodyStalled)
		return n, fmt.Errorf("request body: fewer than %d bytes in %v: %w", p.minBytes, p.window, err)
	case err != nil:
		// The body is over. No deadline may outlive it: the server reads
		// the connection in the background from here on, and a deadline
		// passing there would cancel a request still being handled.
		p.done = true
		_ = p.rc.SetReadDeadline(time.Time{})
		return n, err
	}
	p.got += int64(n)
	if p.got >= p.minBytes {
		p.got, p.left = 0, p.window
	} else {
		p.left -= time.Since(start)
	}
	return n, nil
}
