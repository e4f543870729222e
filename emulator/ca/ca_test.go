package ca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// serve runs a TLS listener on 127.0.0.1 that takes certificates from c,
// and returns its address and a channel of server-side handshake errors.
func serve(t *testing.T, c *CA) (string, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(5 * time.Second))
				srv := tls.Server(conn, &tls.Config{GetCertificate: c.GetCertificate, MinVersion: tls.VersionTLS12})
				err := srv.Handshake()
				select {
				case errs <- err:
				default:
				}
			}()
		}
	}()
	return ln.Addr().String(), errs
}

// handshake dials addr as a client that trusts only pool and names
// serverName, and returns the server's leaf or the handshake error.
func handshake(t *testing.T, addr string, pool *x509.CertPool, serverName string, skipVerify bool) (*x509.Certificate, error) {
	t.Helper()
	d := &net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	cl := tls.Client(conn, &tls.Config{RootCAs: pool, ServerName: serverName, InsecureSkipVerify: skipVerify, MinVersion: tls.VersionTLS12})
	if err := cl.Handshake(); err != nil {
		return nil, err
	}
	return cl.ConnectionState().PeerCertificates[0], nil
}

func TestHandshakeEachFamily(t *testing.T) {
	t.Parallel()
	c, err := Ephemeral()
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := serve(t, c)
	tests := []struct {
		sni     string
		wantSAN []string // must be among the leaf's DNS names
	}{
		{"111122223333.dkr.ecr.us-east-1.amazonaws.com", []string{"*.dkr.ecr.us-east-1.amazonaws.com", "*.dkr.ecr.us-east-1.vpce.amazonaws.com"}},
		{"444455556666.dkr.ecr.us-east-1.amazonaws.com", []string{"*.dkr.ecr.us-east-1.amazonaws.com"}},
		{"vpce-0ce51b38767233f0d-9g7ebdmt.dkr.ecr.eu-west-1.vpce.amazonaws.com", []string{"*.dkr.ecr.eu-west-1.amazonaws.com", "*.dkr.ecr.eu-west-1.vpce.amazonaws.com"}},
		{"vpce-0ce51b38767233f0d-9g7ebdmt-eu-west-1a.dkr.ecr.eu-west-1.vpce.amazonaws.com", []string{"*.dkr.ecr.eu-west-1.vpce.amazonaws.com"}},
		{"api.ecr.us-east-1.amazonaws.com", []string{"api.ecr.us-east-1.amazonaws.com", "*.api.ecr.us-east-1.vpce.amazonaws.com"}},
		{"ecr.us-east-1.amazonaws.com", []string{"ecr.us-east-1.amazonaws.com", "api.ecr.us-east-1.amazonaws.com"}},
		{"vpce-0ce51b38767233f0d-9g7ebdmt.api.ecr.us-east-1.vpce.amazonaws.com", []string{"*.api.ecr.us-east-1.vpce.amazonaws.com"}},
		{"api.ecr-fips.us-gov-west-1.amazonaws.com", []string{"api.ecr-fips.us-gov-west-1.amazonaws.com"}},
		{"111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com", []string{"*.dkr.ecr-fips.us-gov-west-1.amazonaws.com"}},
		{"111122223333.dkr-ecr.us-west-2.on.aws", []string{"*.dkr-ecr.us-west-2.on.aws"}},
		{"111122223333.dkr-ecr-fips.us-west-2.on.aws", []string{"*.dkr-ecr-fips.us-west-2.on.aws"}},
		{"ecr.us-west-2.api.aws", []string{"ecr.us-west-2.api.aws"}},
		{"prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com", []string{"*.s3.us-east-1.amazonaws.com", "*.s3.amazonaws.com"}},
		{"prod-us-east-1-starport-layer-bucket.s3.amazonaws.com", []string{"*.s3.amazonaws.com"}},
		{"logs.us-east-1.amazonaws.com", []string{"logs.us-east-1.amazonaws.com", "*.logs.us-east-1.vpce.amazonaws.com"}},
		{"vpce-0ce51b38767233f0d-9g7ebdmt.logs.us-east-1.vpce.amazonaws.com", []string{"*.logs.us-east-1.vpce.amazonaws.com"}},
		{"111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn", []string{"*.dkr.ecr.cn-north-1.amazonaws.com.cn"}},
		{"111122223333.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn", []string{"*.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn"}},
		{"api.ecr.cn-north-1.amazonaws.com.cn", []string{"api.ecr.cn-north-1.amazonaws.com.cn"}},
		{"111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov", []string{"*.dkr.ecr.us-iso-east-1.c2s.ic.gov"}},
		{"111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu", []string{"*.dkr.ecr.eusc-de-east-1.amazonaws.eu"}},
		{"111122223333.DKR.ECR.us-east-1.amazonaws.com", []string{"*.dkr.ecr.us-east-1.amazonaws.com"}},
		{"localhost", []string{"localhost"}},
	}
	for _, tt := range tests {
		t.Run(tt.sni, func(t *testing.T) {
			t.Parallel()
			leaf, err := handshake(t, addr, c.Pool(), tt.sni, false)
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			for _, san := range tt.wantSAN {
				if !slices.Contains(leaf.DNSNames, san) {
					t.Errorf("leaf names %v, want %s among them", leaf.DNSNames, san)
				}
			}
			checkLeaf(t, leaf)
		})
	}
}

// checkLeaf checks what every leaf must be: ECDSA P-256, server auth,
// LeafValidity.
func checkLeaf(t *testing.T, leaf *x509.Certificate) {
	t.Helper()
	pub, ok := leaf.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		t.Errorf("leaf key %T, want ECDSA P-256", leaf.PublicKey)
	}
	if !slices.Equal(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) || leaf.IsCA {
		t.Errorf("leaf ext key usage %v, IsCA %v; want server auth only", leaf.ExtKeyUsage, leaf.IsCA)
	}
	if got := leaf.NotAfter.Sub(leaf.NotBefore); got != LeafValidity+backdate {
		t.Errorf("leaf validity %v, want %v", got, LeafValidity+backdate)
	}
}

func TestLocalhostLeafHasLoopbackIPs(t *testing.T) {
	t.Parallel()
	c, err := Ephemeral()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := c.Issue("localhost")
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		_, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: c.Pool()})
		if err != nil {
			t.Errorf("verify localhost leaf for %s: %v", host, err)
		}
	}
}

func TestRefusesNoSNIAndUnknownNames(t *testing.T) {
	t.Parallel()
	c, err := Ephemeral()
	if err != nil {
		t.Fatal(err)
	}
	addr, errs := serve(t, c)
	tests := []struct {
		name       string
		serverName string
		skip       bool // an empty ServerName needs InsecureSkipVerify to dial at all
		want       error
	}{
		{"no SNI", "", true, ErrNoSNI},
		{"IP address sends no SNI", "127.0.0.1", false, ErrNoSNI},
		{"not AWS", "docker-ecr.internal.vnatarov.io", false, ErrUnknownName},
		{"extra labels", "111122223333.dkr.ecr.us-east-1.amazonaws.com.fake.example.com", false, ErrUnknownName},
		{"bare dkr", "dkr.ecr.us-east-1.amazonaws.com.example", false, ErrUnknownName},
	}
	for _, tt := range tests {
		// Serial: each case reads the server's error off the one channel.
		start := time.Now()
		_, err := handshake(t, addr, c.Pool(), tt.serverName, tt.skip)
		if err == nil || !strings.Contains(err.Error(), "remote error: tls:") {
			t.Errorf("%s: client error %v, want a TLS alert", tt.name, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: refusal took %v, want it prompt", tt.name, d)
		}
		select {
		case srvErr := <-errs:
			if !errors.Is(srvErr, tt.want) {
				t.Errorf("%s: server error %v, want %v", tt.name, srvErr, tt.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: server handshake never ended", tt.name)
		}
	}
}

func TestRootProperties(t *testing.T) {
	t.Parallel()
	c, err := Ephemeral()
	if err != nil {
		t.Fatal(err)
	}
	r := c.Certificate()
	pub, ok := r.PublicKey.(*ecdsa.PublicKey)
	switch {
	case !ok || pub.Curve != elliptic.P256():
		t.Errorf("root key %T, want ECDSA P-256", r.PublicKey)
	case r.Subject.CommonName != "ecrlink local CA":
		t.Errorf("root CN %q", r.Subject.CommonName)
	case !r.IsCA || r.MaxPathLen != 0 || !r.MaxPathLenZero:
		t.Errorf("root IsCA %v MaxPathLen %d zero %v; want a CA with path length 0", r.IsCA, r.MaxPathLen, r.MaxPathLenZero)
	case r.KeyUsage&x509.KeyUsageCertSign == 0:
		t.Errorf("root key usage %v lacks cert sign", r.KeyUsage)
	case r.NotAfter.Sub(r.NotBefore) != RootValidity+backdate:
		t.Errorf("root validity %v", r.NotAfter.Sub(r.NotBefore))
	}
	if !strings.HasPrefix(string(c.CertPEM()), "-----BEGIN CERTIFICATE-----") {
		t.Errorf("CertPEM is not a PEM certificate: %.40q", c.CertPEM())
	}
}

func TestLoadTwiceGivesTheSameCA(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "ca")
	first, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(first.CertPEM()) != string(second.CertPEM()) {
		t.Fatal("second Load made a new root")
	}
	// A leaf from the first verifies with the second's pool: same key too.
	cert, err := first.Issue("api.ecr.us-east-1.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: "api.ecr.us-east-1.amazonaws.com", Roots: second.Pool()}); err != nil {
		t.Fatalf("leaf of first does not verify under second: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
	given, err := New(Options{CertFile: filepath.Join(dir, CertFileName), KeyFile: filepath.Join(dir, KeyFileName)})
	if err != nil {
		t.Fatalf("given files: %v", err)
	}
	if string(given.CertPEM()) != string(first.CertPEM()) {
		t.Error("given files load a different root")
	}
}

func TestBadFilesNameTheFile(t *testing.T) {
	t.Parallel()
	other := t.TempDir()
	if _, err := Load(other); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		corrupt func(dir string) // applied to a freshly created CA directory
		want    string           // the file the error must name
	}{
		{"garbage cert", func(dir string) { write(t, dir, CertFileName, "not a pem") }, CertFileName},
		{"garbage key", func(dir string) { write(t, dir, KeyFileName, "not a pem") }, KeyFileName},
		{"truncated cert", func(dir string) {
			b := read(t, dir, CertFileName)
			write(t, dir, CertFileName, strings.Replace(b, b[40:80], "", 1))
		}, CertFileName},
		{"mismatched key", func(dir string) { write(t, dir, KeyFileName, read(t, other, KeyFileName)) }, KeyFileName},
		{"missing key", func(dir string) { os.Remove(filepath.Join(dir, KeyFileName)) }, KeyFileName},
		{"missing cert", func(dir string) { os.Remove(filepath.Join(dir, CertFileName)) }, CertFileName},
		{"leaf as CA", func(dir string) {
			c, _ := Load(dir)
			cert, _ := c.Issue("localhost")
			write(t, dir, CertFileName, string(pemCert(cert.Leaf)))
		}, CertFileName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if _, err := Load(dir); err != nil {
				t.Fatal(err)
			}
			tt.corrupt(dir)
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, tt.want)) {
				t.Fatalf("Load = %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

func TestOptionsAreChecked(t *testing.T) {
	t.Parallel()
	for _, opts := range []Options{
		{Dir: "x", CertFile: "a", KeyFile: "b"},
		{CertFile: "a"},
		{KeyFile: "b"},
		{MaxLeaves: -1},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("New(%+v) succeeded", opts)
		}
	}
}

func TestConcurrentIssue(t *testing.T) {
	t.Parallel()
	c, err := Ephemeral()
	if err != nil {
		t.Fatal(err)
	}
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-south-1", "cn-north-1", "us-gov-west-1"}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := regions[i%len(regions)]
			name := fmt.Sprintf("%012d.dkr.ecr.%s.amazonaws.com", i, r)
			if r == "cn-north-1" {
				name += ".cn"
			}
			cert, err := c.Issue(name)
			if err == nil {
				_, err = cert.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: c.Pool()})
			}
			if err != nil {
				errs <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := c.cached(); n != len(regions) {
		t.Errorf("cache holds %d leaves, want one per region (%d): accounts share a leaf", n, len(regions))
	}
}

func TestCacheIsBoundedAndReused(t *testing.T) {
	t.Parallel()
	c, err := New(Options{MaxLeaves: 4})
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Issue("api.ecr.us-east-1.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := c.Issue("ecr.us-east-1.amazonaws.com") // same family
	if again != first {
		t.Error("a name of the same family got a new leaf")
	}
	for i := range 20 {
		if _, err := c.Issue(fmt.Sprintf("logs.us-east-%d.amazonaws.com", i+2)); err != nil {
			t.Fatal(err)
		}
		if n := c.cached(); n > 4 {
			t.Fatalf("cache holds %d leaves, bound is 4", n)
		}
	}
	if later, _ := c.Issue("api.ecr.us-east-1.amazonaws.com"); later == first {
		t.Error("evicted leaf still served")
	}
}

func TestLeafRenewedBeforeExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c, err := New(Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := c.Issue("localhost")
	mu.Lock()
	now = now.Add(LeafValidity - renewBefore + time.Minute)
	mu.Unlock()
	b, _ := c.Issue("localhost")
	if a == b || !b.Leaf.NotAfter.After(a.Leaf.NotAfter) {
		t.Error("a leaf near its expiry was served again")
	}
}

func write(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}
