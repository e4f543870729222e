package ca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"strings"
	"time"
)

// GetCertificate is for tls.Config.GetCertificate: the leaf for the
// client's SNI, or an error (and so a failed handshake) when there is none
// or it is not a name ecrlink serves.
func (c *CA) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.Issue(hello.ServerName)
}

// Issue returns the leaf for name, from the cache while it has more than
// renewBefore left, else freshly signed.
func (c *CA) Issue(name string) (*tls.Certificate, error) {
	names, err := subjectNames(name)
	if err != nil {
		return nil, err
	}
	key := strings.Join(names, ",")
	now := c.now()
	c.mu.Lock()
	cert, ok := c.leaves.get(key)
	c.mu.Unlock()
	if ok && now.Before(cert.Leaf.NotAfter.Add(-renewBefore)) {
		return cert, nil
	}
	// Signing happens outside the lock so that one slow issue does not
	// stall every other handshake; two racing issues for one key both
	// succeed and the later one stays cached.
	cert, err = c.sign(names, now)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.leaves.put(key, cert)
	c.mu.Unlock()
	return cert, nil
}

// cached is how many leaves the cache holds, for tests of its bound.
func (c *CA) cached() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.leaves.len()
}

// sign makes a server-auth leaf for names: ECDSA P-256, LeafValidity, and
// never outliving the root.
func (c *CA) sign(names []string, now time.Time) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ca: generate leaf key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	notAfter := now.Add(LeafValidity)
	if notAfter.After(c.cert.NotAfter) {
		notAfter = c.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: names[0], Organization: []string{"ecrlink"}},
		DNSNames:              names,
		NotBefore:             now.Add(-backdate),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	if names[0] == Localhost {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, key.Public(), c.key)
	if err != nil {
		return nil, fmt.Errorf("ca: sign leaf for %s: %w", names[0], err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("ca: parse leaf for %s: %w", names[0], err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}
