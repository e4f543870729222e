// Package ca is ecrlink's own certificate authority. It makes (or loads) a
// root, and issues, per TLS client's SNI, a leaf whose subject names mirror
// the certificate AWS serves for that name's family (ECR-FACTS §1.6), so
// that clients trusting the root verify ecrlink under AWS's real names.
package ca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// Validity periods and the default cache bound.
const (
	RootValidity     = 10 * 365 * 24 * time.Hour
	LeafValidity     = 90 * 24 * time.Hour
	DefaultMaxLeaves = 1024
	// renewBefore is how long before a cached leaf expires it is replaced,
	// so a long-running server never hands out a certificate about to lapse.
	renewBefore = 30 * 24 * time.Hour
	// backdate covers clients whose clocks run a little behind ours.
	backdate = time.Hour
	rootCN   = "ecrlink local CA"
)

// Options says where the CA comes from and how it issues. The zero Options
// is an in-memory CA with the defaults below.
type Options struct {
	// Dir is the directory holding ca.pem and ca-key.pem: loaded if they are
	// there, created (with the directory) on first use if not. Empty: no
	// directory.
	Dir string
	// CertFile and KeyFile name a given CA certificate and key in PEM; both
	// or neither, and not with Dir. Neither Dir nor these: in memory.
	CertFile, KeyFile string
	// MaxLeaves bounds the leaf cache; 0 means DefaultMaxLeaves.
	MaxLeaves int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// CA is a root certificate and key that issue leaves by SNI. It is safe for
// concurrent use.
type CA struct {
	cert    *x509.Certificate
	certPEM []byte
	key     crypto.Signer
	now     func() time.Time

	mu     sync.Mutex
	leaves *lru
}

// New makes the CA opts describe.
func New(opts Options) (*CA, error) {
	if opts.MaxLeaves < 0 {
		return nil, fmt.Errorf("ca: MaxLeaves %d is negative", opts.MaxLeaves)
	}
	if opts.MaxLeaves == 0 {
		opts.MaxLeaves = DefaultMaxLeaves
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var (
		c   *CA
		err error
	)
	switch {
	case opts.Dir != "" && (opts.CertFile != "" || opts.KeyFile != ""):
		return nil, errors.New("ca: a directory and a given certificate and key are exclusive")
	case (opts.CertFile == "") != (opts.KeyFile == ""):
		return nil, errors.New("ca: a given CA needs both its certificate and its key file")
	case opts.Dir != "":
		c, err = loadOrCreate(opts.Dir, opts.Now)
	case opts.CertFile != "":
		c, err = loadFiles(opts.CertFile, opts.KeyFile)
	default:
		c, err = generate(opts.Now)
	}
	if err != nil {
		return nil, err
	}
	c.now = opts.Now
	c.leaves = newLRU(opts.MaxLeaves)
	return c, nil
}

// Load is New for a CA kept in dir, created there on first use.
func Load(dir string) (*CA, error) { return New(Options{Dir: dir}) }

// Ephemeral is New for a CA that lives in memory only (--ephemeral).
func Ephemeral() (*CA, error) { return New(Options{}) }

// CertPEM is the root certificate in PEM: what clients must trust.
func (c *CA) CertPEM() []byte { return append([]byte(nil), c.certPEM...) }

// Certificate is the root certificate.
func (c *CA) Certificate() *x509.Certificate { return c.cert }

// Pool is a certificate pool holding only the root, for clients and tests.
func (c *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.cert)
	return p
}

// generate makes a fresh root: ECDSA P-256, ten years, signing
// certificates only, and no intermediates beneath it.
func generate(now func() time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ca: generate root key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	t := now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: rootCN, Organization: []string{"ecrlink"}},
		NotBefore:             t.Add(-backdate),
		NotAfter:              t.Add(RootValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("ca: create root: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("ca: parse new root: %w", err)
	}
	return &CA{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// newSerial is a random 128-bit serial, as RFC 5280 asks serials to be
// unique and CAs/Browser Forum rules want them unpredictable.
func newSerial() (*big.Int, error) {
	s, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("ca: serial: %w", err)
	}
	return s.Add(s, big.NewInt(1)), nil
}
