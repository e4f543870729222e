package dnsserver

import (
	"log/slog"
	"net"
	"strings"

	"github.com/miekg/dns"
)

const (
	// ttl is short so that a scenario change shows at once in clients
	// that cache.
	ttl = 5
	// maxUDPSize is the largest UDP reply sent, whatever a client's EDNS0
	// buffer says: 1232 bytes avoids IP fragmentation (DNS flag day 2020).
	maxUDPSize = 1232
)

// handler answers one query from an Answerer.
type handler struct {
	answerer Answerer
	limit    *limiter // TCP only; UDP is limited before parsing
	log      *slog.Logger
}

// ServeDNS implements dns.Handler.
func (h *handler) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	_, udp := w.RemoteAddr().(*net.UDPAddr)
	var m *dns.Msg
	if !udp && h.limit != nil && !h.limit.allow(w.RemoteAddr()) {
		m = new(dns.Msg).SetRcode(req, dns.RcodeRefused)
	} else {
		m = h.reply(req, udp)
	}
	if m == nil {
		return
	}
	if err := w.WriteMsg(m); err != nil {
		h.log.Debug("dns: write reply", "remote", w.RemoteAddr().String(), "err", err)
	}
}

// reply builds the response to req, sized for UDP or TCP; nil means send
// nothing. It never panics: a panicking Answerer turns into SERVFAIL.
func (h *handler) reply(req *dns.Msg, udp bool) (m *dns.Msg) {
	if req.Response {
		return nil // never answer an answer: that is how reflection loops start
	}
	m = new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true // clients see ecrlink as their VPC's resolver
	size := dns.MinMsgSize
	if !udp {
		size = dns.MaxMsgSize
	}
	if opt := req.IsEdns0(); opt != nil {
		if udp {
			size = min(max(int(opt.UDPSize()), dns.MinMsgSize), maxUDPSize)
		}
		m.SetEdns0(maxUDPSize, false)
		if opt.Version() != 0 {
			// RFC 6891 §6.1.3: BADVERS, which is an extended rcode.
			m.Rcode = dns.RcodeBadVers
			return m
		}
	}
	defer func() {
		if r := recover(); r != nil {
			h.log.Error("dns: answerer panicked", "name", req.Question[0].Name, "panic", r)
			m.Answer = nil
			m.Authoritative = false
			m.Rcode = dns.RcodeServerFailure
		}
		m.Truncate(size)
	}()
	switch {
	case req.Opcode != dns.OpcodeQuery:
		m.Rcode = dns.RcodeNotImplemented
	case len(req.Question) != 1:
		m.Rcode = dns.RcodeFormatError
	case req.Question[0].Qclass != dns.ClassINET:
		m.Rcode = dns.RcodeRefused
	default:
		h.answer(m, req.Question[0])
	}
	return m
}

// answer fills m with the Answerer's answer to q.
func (h *handler) answer(m *dns.Msg, q dns.Question) {
	name := strings.ToLower(strings.TrimSuffix(q.Name, "."))
	a := h.answerer.Answer(name)
	switch a.Kind {
	case Address:
		m.Authoritative = true
		m.Answer = records(q, a)
	case NXDomain:
		m.Authoritative = true
		m.Rcode = dns.RcodeNameError
	case ServFail:
		m.Rcode = dns.RcodeServerFailure
	default:
		m.Rcode = dns.RcodeRefused
	}
}

// records are the A or AAAA records of a for q; none for any other type
// (NODATA).
func records(q dns.Question, a Answer) []dns.RR {
	hdr := dns.RR_Header{Name: q.Name, Class: dns.ClassINET, Rrtype: q.Qtype, Ttl: ttl}
	var rrs []dns.RR
	switch q.Qtype {
	case dns.TypeA:
		for _, ip := range a.A {
			if ip.Is4() {
				rrs = append(rrs, &dns.A{Hdr: hdr, A: ip.AsSlice()})
			}
		}
	case dns.TypeAAAA:
		for _, ip := range a.AAAA {
			if ip.Is6() && !ip.Is4In6() {
				rrs = append(rrs, &dns.AAAA{Hdr: hdr, AAAA: ip.AsSlice()})
			}
		}
	}
	return rrs
}

// acceptMsg is dns.DefaultMsgAcceptFunc without NOTIFY, which ecrlink has
// no use for: anything but a plain query with one question is answered
// FORMERR or NOTIMP before it is unpacked.
func acceptMsg(dh dns.Header) dns.MsgAcceptAction {
	if opcode := int(dh.Bits>>11) & 0xF; opcode == dns.OpcodeNotify && dh.Bits&(1<<15) == 0 {
		return dns.MsgRejectNotImplemented
	}
	return dns.DefaultMsgAcceptFunc(dh)
}
