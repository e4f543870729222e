// Package journal keeps what ecrlink did with each request: one Record per
// request (DESIGN.md's journal record), in a bounded ring that readers page
// through by sequence number or follow as it grows, and optionally appended
// to an NDJSON file.
//
// Records carry no secrets: the emulator fills them from the request's
// classification and decisions, never from its credentials, and paths are
// kept without their query (where presigned URLs carry signatures).
package journal

import (
	"encoding/json"
	"fmt"
	"time"
)

// Outcomes of a request.
const (
	OutcomeAllowed  = "allowed"
	OutcomeDenied   = "denied"
	OutcomeHeld     = "held"
	OutcomeRefused  = "refused"
	OutcomeNXDomain = "nxdomain"
	OutcomeFault    = "fault"
	OutcomeError    = "error"
)

// Route vias.
const (
	ViaEndpoint = "endpoint"
	ViaInternet = "internet"
	ViaFargate  = "fargate"
	ViaBlocked  = "blocked"
)

// Record is one request. Its JSON is the journal contract: every key is
// always present, so readers can rely on the shape.
type Record struct {
	Seq      uint64    `json:"seq"`
	Time     Timestamp `json:"time"`
	Client   string    `json:"client"`
	Host     string    `json:"host"`
	Service  string    `json:"service"`
	Step     string    `json:"step"`
	Action   string    `json:"action"`
	Resource string    `json:"resource"`
	Route    Route     `json:"route"`
	Policies []Policy  `json:"policies"`
	Outcome  string    `json:"outcome"`
	Status   int       `json:"status"`
	// Error is what a real client would print at this hop; empty when the
	// request succeeded.
	Error      string  `json:"error"`
	DurationMs float64 `json:"durationMs"`
	// Method, Path (without its query) and RawHost (the Host header as
	// sent, where Host is the AWS name the request was decided for) are
	// additions to DESIGN.md's record, for reading a journal without
	// guessing the request.
	Method  string `json:"method"`
	Path    string `json:"path"`
	RawHost string `json:"rawHost"`
}

// Route is how the request reached (or failed to reach) the service.
type Route struct {
	Via      string `json:"via"`
	Endpoint string `json:"endpoint"`
	Reason   string `json:"reason"`
}

// Policy is one policy consulted and what it decided.
type Policy struct {
	// Type is identity, repository, registry or endpoint (an S3 gateway
	// endpoint's too).
	Type string `json:"type"`
	// ID names the policy: the endpoint's id, the principal, the
	// repository's ARN or the registry's account.
	ID string `json:"id"`
	// Decision is Allowed, ExplicitlyDenied or ImplicitlyDenied (no
	// statement of it matched).
	Decision string `json:"decision"`
	// Sid is the deciding statement's Sid, when it has one.
	Sid string `json:"sid"`
}

// MarshalJSON writes Policies as [] rather than null.
func (r Record) MarshalJSON() ([]byte, error) {
	type plain Record
	if r.Policies == nil {
		r.Policies = []Policy{}
	}
	return json.Marshal(plain(r))
}

// Timestamp is a time written as RFC 3339 in UTC with milliseconds, as in
// DESIGN.md: "2026-12-02T10:00:00.123Z".
type Timestamp time.Time

const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

// MarshalJSON implements json.Marshaler.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(timestampLayout) + `"`), nil
}

// UnmarshalJSON implements json.Unmarshaler; it takes any RFC 3339 time.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("journal time: %w", err)
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("journal time: %w", err)
	}
	*t = Timestamp(v)
	return nil
}
