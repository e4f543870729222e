package main

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"

	"github.com/ecrlink/ecrlink/emulator"
)

// edgeFlags are serve's flags for the AWS names: the TLS listener and its
// CA, the DNS server, the blackhole, and the addresses they advertise.
type edgeFlags struct {
	tlsListen, dnsListen, blackholeListen        string
	advertise, advertiseBlackhole, advertiseRefd string
	caDir, caCert, caKey                         string
}

func (e *edgeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&e.tlsListen, "tls-listen", env("ECRLINK_TLS_LISTEN", ""), "serve AWS names over TLS here, e.g. 127.0.0.1:443; off by default (ECRLINK_TLS_LISTEN)")
	fs.StringVar(&e.dnsListen, "dns-listen", env("ECRLINK_DNS_LISTEN", ""), "answer AWS names by DNS here, UDP and TCP, e.g. 127.0.0.1:53; off by default (ECRLINK_DNS_LISTEN)")
	fs.StringVar(&e.blackholeListen, "blackhole-listen", env("ECRLINK_BLACKHOLE_LISTEN", ""), "where names with no route resolve: drops every connection attempt; off by default (ECRLINK_BLACKHOLE_LISTEN)")
	fs.StringVar(&e.advertise, "advertise", env("ECRLINK_ADVERTISE", ""), "address DNS answers and hosts lines give for reachable names; default the TLS listener's (ECRLINK_ADVERTISE)")
	fs.StringVar(&e.advertiseBlackhole, "advertise-blackhole", env("ECRLINK_ADVERTISE_BLACKHOLE", ""), "address given for names with no route; default the blackhole's (ECRLINK_ADVERTISE_BLACKHOLE)")
	fs.StringVar(&e.advertiseRefd, "advertise-refused", env("ECRLINK_ADVERTISE_REFUSED", ""), "address with nothing listening on 443, given for refused names (ECRLINK_ADVERTISE_REFUSED)")
	fs.StringVar(&e.caDir, "ca-dir", env("ECRLINK_CA_DIR", ""), "directory of ecrlink's CA (ca.pem, ca-key.pem), created on first start; default DATA_DIR/ca, in memory with --ephemeral (ECRLINK_CA_DIR)")
	fs.StringVar(&e.caCert, "ca-cert", env("ECRLINK_CA_CERT", ""), "a CA certificate (PEM) to issue from, with --ca-key, instead of --ca-dir (ECRLINK_CA_CERT)")
	fs.StringVar(&e.caKey, "ca-key", env("ECRLINK_CA_KEY", ""), "the key of --ca-cert (PEM) (ECRLINK_CA_KEY)")
}

// configure puts the flags into cfg; the CA is kept in dataDir/ca unless
// told otherwise, or in memory when ephemeral.
func (e *edgeFlags) configure(cfg *emulator.Config, dataDir string, ephemeral bool) error {
	cfg.TLSAddr, cfg.DNSAddr, cfg.BlackholeAddr = e.tlsListen, e.dnsListen, e.blackholeListen
	for _, a := range []struct {
		flag, value string
		into        *netip.Addr
	}{
		{"--advertise", e.advertise, &cfg.Advertise.TLS},
		{"--advertise-blackhole", e.advertiseBlackhole, &cfg.Advertise.Blackhole},
		{"--advertise-refused", e.advertiseRefd, &cfg.Advertise.Refused},
	} {
		if a.value == "" {
			continue
		}
		ip, err := netip.ParseAddr(a.value)
		if err != nil {
			return fmt.Errorf("%s: %q is not an IP address", a.flag, a.value)
		}
		*a.into = ip
	}
	opts := emulator.CAOptions{Dir: e.caDir, CertFile: e.caCert, KeyFile: e.caKey}
	if opts.Dir == "" && opts.CertFile == "" && opts.KeyFile == "" && !ephemeral {
		opts.Dir = filepath.Join(dataDir, "ca")
	}
	c, err := emulator.NewCA(opts)
	if err != nil {
		return err
	}
	cfg.CA = c
	return nil
}

// announce says where the AWS names are served.
func (e *edgeFlags) announce(w io.Writer, srv *emulator.Server) {
	fmt.Fprintf(w, "ecrlink: CONNECT proxy on %s (HTTPS_PROXY=%s); CA: %s/_ecrlink/ca.pem\n", srv.Addr(), srv.URL(), srv.URL())
	if a := srv.TLSAddr(); a != nil {
		fmt.Fprintf(w, "ecrlink: AWS names over TLS on %s\n", a)
	}
	if a := srv.DNSAddr(); a != "" {
		fmt.Fprintf(w, "ecrlink: DNS on %s (udp and tcp)\n", a)
	}
	if a := srv.BlackholeAddr(); a != nil {
		fmt.Fprintf(w, "ecrlink: blackhole on %s\n", a)
	}
}
