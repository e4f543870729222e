package proxy_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/proxy"
)

// FuzzConnect sends any authority: the proxy never panics or answers a
// 5xx other than the network's 502, and decides only AWS names on 443.
func FuzzConnect(f *testing.F) {
	for _, s := range []string{dkr, "example.com:443", "[::1]:443", "api.ecr.us-east-1.amazonaws.com:80", ":443", "", "a:b:c", "%zz:443"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, authority string) {
		decided := false
		p := proxy.New(proxy.Proxy{
			Decide: func(_ context.Context, h awsname.Host, _ netip.Addr) proxy.Decision {
				decided = true
				if !h.IsAWS() {
					t.Fatalf("%q decided as %v, not an AWS name", authority, h)
				}
				return proxy.Decision{Verdict: proxy.Fail, Error: "no"}
			},
			Tunnel: func(c net.Conn) { c.Close() },
		})
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Method, r.Host, r.RemoteAddr = http.MethodConnect, authority, "127.0.0.1:1"
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		if w.Code >= 500 && w.Code != http.StatusBadGateway {
			t.Fatalf("%q: %d", authority, w.Code)
		}
		if decided != (w.Code == http.StatusBadGateway) || (decided && !strings.HasSuffix(authority, ":443")) {
			t.Fatalf("%q: decided %v, answered %d", authority, decided, w.Code)
		}
	})
}
