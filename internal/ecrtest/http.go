package ecrtest

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// NewTransport returns a transport of the caller's own, shared with no other
// test: connections one test leaves idle never reach a server another test
// started, and closing them is the caller's job. Proxy is nil on purpose: a
// proxy in the environment must not sit between a test and 127.0.0.1.
// The other fields are those of net/http's default transport, with more
// idle connections per host for tests that run requests in parallel.
func NewTransport() *http.Transport {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Client returns a client on a NewTransport whose idle connections are
// closed when t ends.
func Client(t testing.TB) *http.Client {
	tr := NewTransport()
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}
