//go:build !linux

package blackhole

import "net"

// listenFull listens with the system's backlog: where the backlog cannot
// be set to zero, connections queue until the system's limit and are
// never answered, a weaker likeness of a dropped route.
func listenFull(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }
