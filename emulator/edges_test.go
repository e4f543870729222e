package emulator_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/miekg/dns"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/scenario"
)

const (
	catalogueDkr = "111122223333.dkr.ecr.us-east-1.amazonaws.com"
	plainDkr     = "000000000000.dkr.ecr.us-east-1.amazonaws.com"
)

// catalogueScenario is a catalogue file, parsed.
func catalogueScenario(t *testing.T, file string) *emulator.Scenario {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(catalogueDir, file))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := emulator.ParseScenario(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return sc
}

// TestProxyPushPull pushes and pulls an image under the real AWS names
// through the CONNECT proxy, over TLS, the token fetched the same way:
// every hop (API, registry, layer bucket) is a tunnel to the TLS server.
func TestProxyPushPull(t *testing.T) {
	inst := ecrlinktest.Start(t, emulator.Config{})
	client := ecr.NewFromConfig(inst.ProxyAWSConfig())
	ctx := context.Background()
	if _, err := client.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("app")}); err != nil {
		t.Fatalf("CreateRepository through the proxy: %v", err)
	}
	tok, err := client.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatalf("GetAuthorizationToken through the proxy: %v", err)
	}
	if got := aws.ToString(tok.AuthorizationData[0].ProxyEndpoint); got != "https://"+plainDkr {
		t.Errorf("proxyEndpoint = %q, want https://%s", got, plainDkr)
	}
	ref, err := name.ParseReference(plainDkr + "/app:1")
	if err != nil {
		t.Fatal(err)
	}
	img, err := random.Image(4096, 2)
	if err != nil {
		t.Fatal(err)
	}
	opts := []remote.Option{remote.WithAuth(inst.Auth()), remote.WithTransport(inst.ProxyClient().Transport)}
	if err := remote.Write(ref, img, opts...); err != nil {
		t.Fatalf("push through the proxy: %v", err)
	}
	pulled, err := remote.Image(ref, opts...)
	if err != nil {
		t.Fatalf("pull through the proxy: %v", err)
	}
	layers, _ := pulled.Layers()
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatalf("layer through the proxy: %v", err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatalf("layer bytes: %v", err)
		}
		rc.Close()
	}
	hosts := map[string]bool{}
	for _, rec := range inst.Journal().Since(0, 0) {
		probe := rec.Method == http.MethodHead && rec.Status == http.StatusNotFound // "is it there yet?"
		if rec.Outcome != journal.OutcomeAllowed && rec.Status != http.StatusUnauthorized && !probe {
			t.Errorf("record %d: %s %s %s: %s %q", rec.Seq, rec.Method, rec.RawHost, rec.Path, rec.Outcome, rec.Error)
		}
		hosts[rec.RawHost] = true
	}
	for _, h := range []string{"api.ecr.us-east-1.amazonaws.com", plainDkr, "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"} {
		if !hosts[h] {
			t.Errorf("no request reached %s; the journal has %v", h, hosts)
		}
	}
}

// connect sends a CONNECT for authority and returns the response, or nil
// when none came within wait.
func connect(t *testing.T, proxyAddr, authority string, wait time.Duration) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", proxyAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "CONNECT "+authority+" HTTP/1.1\r\nHost: "+authority+"\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, ""
		}
		t.Fatalf("CONNECT %s: %v", authority, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp, string(body)
}

// TestProxyOutcomes shows each row of DESIGN.md's outcome table in the
// proxy's column, and the refusals of what is not an AWS name on 443.
func TestProxyOutcomes(t *testing.T) {
	refuse := catalogueScenario(t, "healthy-docker.yaml")
	refuse.Faults = append(refuse.Faults, scenario.Fault{Match: scenario.FaultMatch{Host: catalogueDkr}, Effect: "refuse", Rate: 1})
	tests := []struct {
		name      string
		sc        *emulator.Scenario
		authority string
		status    int    // 0: held, no answer
		body      string // what the answer says
		outcome   string // the journal's record, "" for none
	}{
		{"reachable", catalogueScenario(t, "healthy-docker.yaml"), catalogueDkr + ":443", 200, "", ""},
		{"no route", catalogueScenario(t, "ecr-dkr-endpoint-missing.yaml"), catalogueDkr + ":443", 0, "", journal.OutcomeHeld},
		{"no such host", catalogueScenario(t, "custom-dns-isolated.yaml"), catalogueDkr + ":443", 502,
			"dial tcp: lookup " + catalogueDkr + ": no such host", journal.OutcomeNXDomain},
		{"refused", refuse, catalogueDkr + ":443", 502, "connect: connection refused", journal.OutcomeRefused},
		{"not AWS", nil, "example.com:443", 403, "tunnels only to the AWS names", ""},
		{"not 443", nil, catalogueDkr + ":80", 403, "on port 443", ""},
		{"no port", nil, catalogueDkr, 400, "CONNECT needs host:port", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst := ecrlinktest.Start(t, emulator.Config{Scenario: tt.sc})
			resp, body := connect(t, inst.Addr().String(), tt.authority, 500*time.Millisecond)
			switch {
			case tt.status == 0 && resp != nil:
				t.Fatalf("CONNECT answered %s %q; want it held", resp.Status, body)
			case tt.status != 0 && resp == nil:
				t.Fatalf("CONNECT held; want %d", tt.status)
			case resp != nil && (resp.StatusCode != tt.status || !strings.Contains(body, tt.body)):
				t.Fatalf("CONNECT answered %s %q; want %d with %q", resp.Status, body, tt.status, tt.body)
			}
			var got []string
			for _, rec := range inst.Journal().Since(0, 0) {
				if rec.Method == http.MethodConnect {
					got = append(got, rec.Outcome)
				}
			}
			if want := tt.outcome; (want == "" && len(got) > 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
				t.Errorf("journal CONNECT outcomes %v, want %q", got, want)
			}
		})
	}
}

// TestProxyOversizedHeader: a CONNECT whose headers pass the bound is
// answered 431, not tunnelled.
func TestProxyOversizedHeader(t *testing.T) {
	inst := ecrlinktest.Start(t, emulator.Config{})
	c, err := net.Dial("tcp", inst.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() {
		io.WriteString(c, "CONNECT "+plainDkr+":443 HTTP/1.1\r\nHost: "+plainDkr+":443\r\nX-Pad: "+strings.Repeat("a", 200<<10)+"\r\n\r\n")
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %s, want 431", resp.Status)
	}
}

// TestTLSListener serves AWS names by SNI and refuses a handshake without
// a name or with one ecrlink does not serve.
func TestTLSListener(t *testing.T) {
	inst := ecrlinktest.Start(t, emulator.Config{TLSAddr: "127.0.0.1:0"})
	addr := inst.TLSAddr().String()
	dial := func(serverName string) (*tls.Conn, error) {
		return tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr,
			&tls.Config{RootCAs: inst.CA().Pool(), ServerName: serverName, InsecureSkipVerify: serverName == ""})
	}
	for _, bad := range []string{"", "example.com"} {
		if c, err := dial(bad); err == nil {
			c.Close()
			t.Errorf("handshake with SNI %q succeeded", bad)
		}
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{RootCAs: inst.CA().Pool()},
	}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://" + plainDkr + "/v2/")
	if err != nil {
		t.Fatalf("GET /v2/ over TLS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("Www-Authenticate"), `realm="https://`+plainDkr+`/"`) {
		t.Fatalf("GET /v2/ = %s %q; want 401 with ECR's Basic challenge", resp.Status, resp.Header.Get("Www-Authenticate"))
	}
	req, _ := http.NewRequest(http.MethodGet, "https://"+plainDkr+"/v2/", nil)
	req.Header.Set("X-Pad", strings.Repeat("a", 200<<10))
	resp, err = (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatalf("GET with oversized headers over TLS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("oversized headers over TLS: %s, want 431", resp.Status)
	}
}

// TestDNSFollowsScenario answers the names by the scenario in force, and
// changes its answers the moment the scenario changes.
func TestDNSFollowsScenario(t *testing.T) {
	tlsIP, holeIP, refusedIP := netip.MustParseAddr("127.0.0.10"), netip.MustParseAddr("127.0.0.11"), netip.MustParseAddr("127.0.0.12")
	inst := ecrlinktest.Start(t, emulator.Config{DNSAddr: "127.0.0.1:0", Scenario: catalogueScenario(t, "healthy-docker.yaml"),
		Advertise: emulator.Advertise{TLS: tlsIP, Blackhole: holeIP, Refused: refusedIP}})
	ask := func(name string) (int, string) {
		t.Helper()
		m := new(dns.Msg).SetQuestion(dns.Fqdn(name), dns.TypeA)
		in, err := dns.Exchange(m, inst.DNSAddr())
		if err != nil {
			t.Fatalf("query %s: %v", name, err)
		}
		if len(in.Answer) == 0 {
			return in.Rcode, ""
		}
		return in.Rcode, in.Answer[0].(*dns.A).A.String()
	}
	refuse := catalogueScenario(t, "healthy-docker.yaml")
	refuse.Faults = append(refuse.Faults, scenario.Fault{Match: scenario.FaultMatch{Host: catalogueDkr}, Effect: "refuse", Rate: 1})
	steps := []struct {
		sc    *emulator.Scenario
		name  string
		rcode int
		addr  string
	}{
		{nil, catalogueDkr, dns.RcodeSuccess, "127.0.0.10"},
		{nil, "example.com", dns.RcodeRefused, ""},
		{catalogueScenario(t, "ecr-dkr-endpoint-missing.yaml"), catalogueDkr, dns.RcodeSuccess, "127.0.0.11"},
		{nil, "api.ecr.us-east-1.amazonaws.com", dns.RcodeSuccess, "127.0.0.10"},
		{catalogueScenario(t, "custom-dns-isolated.yaml"), catalogueDkr, dns.RcodeNameError, ""},
		{refuse, catalogueDkr, dns.RcodeSuccess, "127.0.0.12"},
	}
	for _, st := range steps {
		if st.sc != nil {
			if err := inst.SetScenario(context.Background(), st.sc); err != nil {
				t.Fatal(err)
			}
		}
		if rcode, addr := ask(st.name); rcode != st.rcode || addr != st.addr {
			t.Errorf("%s: rcode %s addr %q; want %s %q", st.name, dns.RcodeToString[rcode], addr, dns.RcodeToString[st.rcode], st.addr)
		}
	}
}

// TestHosts writes each name where the scenario sends it.
func TestHosts(t *testing.T) {
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: catalogueScenario(t, "ecr-dkr-endpoint-missing.yaml"),
		Advertise: emulator.Advertise{TLS: netip.MustParseAddr("198.18.0.10"), Blackhole: netip.MustParseAddr("198.18.0.11")}})
	hosts := inst.Hosts()
	for _, want := range []string{
		"198.18.0.11\t" + catalogueDkr + "\t# dial tcp ",
		"198.18.0.10\tapi.ecr.us-east-1.amazonaws.com\n",
		"198.18.0.10\tprod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com\n",
		"198.18.0.10\tprod-us-east-1-starport-layer-bucket.s3.amazonaws.com\n",
		"\t444455556666.dkr.ecr.us-east-1.amazonaws.com",
		"\t111122223333.dkr.ecr.us-west-2.amazonaws.com",
	} {
		if !strings.Contains(hosts, want) {
			t.Errorf("hosts lack %q:\n%s", want, hosts)
		}
	}
	if err := inst.SetScenario(context.Background(), catalogueScenario(t, "custom-dns-isolated.yaml")); err != nil {
		t.Fatal(err)
	}
	if hosts := inst.Hosts(); !strings.Contains(hosts, "# "+catalogueDkr+" does not resolve: ") {
		t.Errorf("after custom-dns-isolated, hosts still map the registry:\n%s", hosts)
	}
}

// tunnel opens a tunnel through inst's proxy to authority and shakes
// hands over it for sni.
func tunnel(t *testing.T, inst *ecrlinktest.Instance, authority, sni string) *tls.Conn {
	t.Helper()
	c, err := net.Dial("tcp", inst.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	io.WriteString(c, "CONNECT "+authority+" HTTP/1.1\r\nHost: "+authority+"\r\n\r\n")
	if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT %s: %v %v", authority, resp, err)
	}
	tc := tls.Client(c, &tls.Config{ServerName: sni, RootCAs: inst.CA().Pool()})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	return tc
}

// TestControlOnlyOnTheMainListener: over TLS, whether the TLS listener or
// a tunnel to an AWS name, a direct Host does not reach the control API.
func TestControlOnlyOnTheMainListener(t *testing.T) {
	inst := ecrlinktest.Start(t, emulator.Config{TLSAddr: "127.0.0.1:0"})
	direct, err := tls.Dial("tcp", inst.TLSAddr().String(), &tls.Config{ServerName: "localhost", RootCAs: inst.CA().Pool()})
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	for name, c := range map[string]*tls.Conn{
		"tunnel":       tunnel(t, inst, "api.ecr.us-east-1.amazonaws.com:443", "api.ecr.us-east-1.amazonaws.com"),
		"TLS listener": direct,
	} {
		for _, host := range []string{"127.0.0.1", "localhost"} {
			io.WriteString(c, "POST /_ecrlink/reset HTTP/1.1\r\nHost: "+host+"\r\nContent-Length: 0\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s, Host %s: POST /_ecrlink/reset answered %s; want 404", name, host, resp.Status)
			}
		}
	}
}

// TestRefuseFaultResetsOverTLS: a refuse fault on a request that came over
// TLS resets the TCP connection, as on plain HTTP, rather than closing
// the TLS session (which a client reads as EOF).
func TestRefuseFaultResetsOverTLS(t *testing.T) {
	sc := catalogueScenario(t, "healthy-docker.yaml")
	sc.Faults = append(sc.Faults, scenario.Fault{Match: scenario.FaultMatch{Action: "ecr:BatchGetImage"}, Effect: "refuse", Rate: 1})
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: sc, TLSAddr: "127.0.0.1:0"})
	listener, err := tls.Dial("tcp", inst.TLSAddr().String(), &tls.Config{ServerName: catalogueDkr, RootCAs: inst.CA().Pool()})
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	for name, c := range map[string]*tls.Conn{"TLS listener": listener, "tunnel": tunnel(t, inst, catalogueDkr+":443", catalogueDkr)} {
		io.WriteString(c, "GET /v2/app/manifests/1 HTTP/1.1\r\nHost: "+catalogueDkr+"\r\n\r\n")
		_, err := http.ReadResponse(bufio.NewReader(c), nil)
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("%s: %v; want connection reset by peer", name, err)
		}
	}
}

// TestNamesAgreeWithTheLivePath: a Fargate 1.3 task without an ecr.api
// endpoint fetches its auth through the platform's network, so the live
// path serves GetAuthorizationToken; the proxy, DNS and hosts lines must
// lead the name there too.
func TestNamesAgreeWithTheLivePath(t *testing.T) {
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: catalogueScenario(t, "ecr-api-missing-fargate-1.3-passes.yaml"),
		Advertise: emulator.Advertise{TLS: netip.MustParseAddr("198.18.0.10"), Blackhole: netip.MustParseAddr("198.18.0.11")}})
	const api = "api.ecr.us-east-1.amazonaws.com"
	client := ecr.NewFromConfig(inst.ProxyAWSConfig())
	if _, err := client.GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{}); err != nil {
		t.Fatalf("GetAuthorizationToken through the proxy: %v", err)
	}
	if hosts := inst.Hosts(); !strings.Contains(hosts, "198.18.0.10\t"+api+"\n") {
		t.Errorf("hosts lines do not lead %s to the TLS listener:\n%s", api, hosts)
	}
}

// TestShutdownClosesSilentTunnels: a tunnel whose client never shakes
// hands does not hold Shutdown, nor outlive it.
func TestShutdownClosesSilentTunnels(t *testing.T) {
	srv, err := emulator.Start(context.Background(), emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "CONNECT "+plainDkr+":443 HTTP/1.1\r\nHost: "+plainDkr+":443\r\n\r\n")
	br := bufio.NewReader(c)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT: %v %v", resp, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown with a silent tunnel: %v", err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the tunnel is open after Shutdown: read %v", err)
	}
}

// TestDNSNeedsAnAddressItsClientsReach: a DNS server for other hosts
// with a TLS listener on loopback (or on every address) must be told what
// to answer, or each client would be sent to its own loopback.
func TestDNSNeedsAnAddressItsClientsReach(t *testing.T) {
	for _, cfg := range []emulator.Config{
		// Refused before the DNS server binds: no test listens off loopback.
		{DNSAddr: "198.18.0.53:0", TLSAddr: "127.0.0.1:0"},
		{DNSAddr: "127.0.0.1:0"},
	} {
		if srv, err := emulator.Start(context.Background(), cfg); err == nil {
			srv.Shutdown(context.Background())
			t.Errorf("Start(DNS %s, TLS %q) succeeded", cfg.DNSAddr, cfg.TLSAddr)
		}
	}
	inst := ecrlinktest.Start(t, emulator.Config{DNSAddr: "127.0.0.1:0", TLSAddr: "127.0.0.1:0"}) // a loopback DNS server's clients are local
	if inst.DNSAddr() == "" {
		t.Fatal("no DNS server")
	}
}

// TestNamesWhileScenariosSwap asks the DNS server, the proxy and Hosts
// about the registry while the scenario flips between a healthy VPC and
// one without the ecr.dkr endpoint: every answer is one of the two
// worlds', never a mix or a failure (run under -race).
func TestNamesWhileScenariosSwap(t *testing.T) {
	healthy, missing := catalogueScenario(t, "healthy-docker.yaml"), catalogueScenario(t, "ecr-dkr-endpoint-missing.yaml")
	inst := ecrlinktest.Start(t, emulator.Config{DNSAddr: "127.0.0.1:0", Scenario: healthy,
		Advertise: emulator.Advertise{TLS: netip.MustParseAddr("127.0.0.10"), Blackhole: netip.MustParseAddr("127.0.0.11")}})
	stop := make(chan struct{})
	swapped := make(chan struct{})
	go func() {
		defer close(swapped)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			sc := healthy
			if i%2 == 1 {
				sc = missing
			}
			if err := inst.SetScenario(context.Background(), sc); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	q := new(dns.Msg).SetQuestion(dns.Fqdn(catalogueDkr), dns.TypeA)
	for range 100 {
		in, err := dns.Exchange(q, inst.DNSAddr())
		if err != nil || len(in.Answer) != 1 {
			t.Fatalf("DNS: %v %v", in, err)
		}
		if a := in.Answer[0].(*dns.A).A.String(); a != "127.0.0.10" && a != "127.0.0.11" {
			t.Fatalf("DNS answered %s", a)
		}
		resp, body := connect(t, inst.Addr().String(), catalogueDkr+":443", 50*time.Millisecond)
		if resp != nil && resp.StatusCode != http.StatusOK {
			t.Fatalf("CONNECT answered %s %q; want a tunnel or a hold", resp.Status, body)
		}
		hosts := inst.Hosts()
		if !strings.Contains(hosts, "127.0.0.10\t"+catalogueDkr+"\n") && !strings.Contains(hosts, "127.0.0.11\t"+catalogueDkr+"\t# dial tcp ") {
			t.Fatalf("hosts lines mix the worlds:\n%s", hosts)
		}
	}
	close(stop)
	<-swapped
}
