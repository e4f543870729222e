package blackhole

import (
	"errors"
	"net"
	"testing"
	"time"
)

// TestDialTimesOut shows a client meets what a VPC without a route
// gives: its dial times out, on IPv4 and IPv6.
func TestDialTimesOut(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			l, err := Listen(addr)
			if err != nil {
				t.Skipf("no %s here: %v", addr, err)
			}
			defer l.Close()
			for range 2 {
				c, err := net.DialTimeout("tcp", l.Addr().String(), 300*time.Millisecond)
				if err == nil {
					c.Close()
					t.Fatal("dial succeeded; want a timeout")
				}
				var ne net.Error
				if !errors.As(err, &ne) || !ne.Timeout() {
					t.Fatalf("dial: %v; want a timeout", err)
				}
			}
		})
	}
}

// TestClose shows a closed blackhole refuses, so it leaves nothing held.
func TestClose(t *testing.T) {
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Fatal("dial to a closed blackhole succeeded")
	}
}

func TestBadAddress(t *testing.T) {
	for _, addr := range []string{"nonsense", "127.0.0.1:99999", "203.0.113.9:0"} {
		if l, err := Listen(addr); err == nil {
			l.Close()
			t.Errorf("Listen(%q) succeeded", addr)
		}
	}
}
