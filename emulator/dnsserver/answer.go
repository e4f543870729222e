package dnsserver

import "net/netip"

// Answerer decides what a name resolves to. The emulator implements it from
// its scenario, so answers follow scenario changes at once. It must be safe
// for concurrent use.
type Answerer interface {
	// Answer is given the queried name lower-cased, without the trailing
	// dot.
	Answer(name string) Answer
}

// AnswererFunc adapts a function to Answerer.
type AnswererFunc func(name string) Answer

// Answer implements Answerer.
func (f AnswererFunc) Answer(name string) Answer { return f(name) }

// AnswerKind is the rcode family of an answer.
type AnswerKind int

const (
	// Refused: the name is not one ecrlink serves (not AWS's). The zero
	// kind, so an Answerer that says nothing refuses.
	Refused AnswerKind = iota
	// NXDomain: the name does not exist in the scenario's DNS.
	NXDomain
	// ServFail: the scenario's resolver fails for this name.
	ServFail
	// Address: the name exists; A and AAAA hold its addresses. A query
	// for a type with no addresses gets NOERROR with no answers (NODATA).
	Address
)

// String names the kind as dig prints its rcode.
func (k AnswerKind) String() string {
	switch k {
	case Refused:
		return "REFUSED"
	case NXDomain:
		return "NXDOMAIN"
	case ServFail:
		return "SERVFAIL"
	case Address:
		return "NOERROR"
	}
	return "AnswerKind(?)"
}

// Answer is what a name resolves to.
type Answer struct {
	Kind AnswerKind
	// A and AAAA are the name's addresses when Kind is Address. Addresses
	// of the wrong family in either list are skipped.
	A, AAAA []netip.Addr
}
