// Package dnsserver is ecrlink's DNS server: it answers A and AAAA queries
// for the names a scenario knows, over UDP and TCP, with answers that an
// Answerer supplied by the caller decides.
//
// It owns the wire side only: message checks, EDNS0 sizing, truncation,
// rate limits and connection bounds. It does not parse AWS names (only
// reqinfo calls awsname.ParseHost) and must not import other ecrlink
// packages; the emulator implements Answerer from its scenario. It never
// forwards a query: a name the Answerer does not claim gets REFUSED, so
// ecrlink sends no traffic off the machine.
//
// # Use
//
//	srv := &dnsserver.Server{Addr: "127.0.0.1:0", Answerer: a, Logger: log}
//	if err := srv.Start(ctx); err != nil { ... }
//	defer srv.Shutdown(context.Background())
//	fmt.Println(srv.LocalAddr()) // UDP and TCP share this host:port
//
// # Floods
//
// Queries are charged to a token bucket per source IP and to a global one.
// Over UDP a query past either bound is dropped unread, before any parsing
// or goroutine, because a reply to a spoofed source would amplify the
// flood. Over TCP, whose source cannot be spoofed, it is answered
// REFUSED. TCP connections past MaxTCPConns are closed as soon as they
// are accepted.
package dnsserver
