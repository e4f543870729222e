package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// recording follows one request to its journal record: it observes the
// request's authorization decisions (passing them on to the configured
// observer) and captures how the response began.
type recording struct {
	start time.Time
	next  reqinfo.Observer
	route journal.Route
	host  string // the AWS name the request is decided for

	mu    sync.Mutex
	auths []reqinfo.Authorization
}

// ObserveAuthorization implements reqinfo.Observer.
func (rec *recording) ObserveAuthorization(ctx context.Context, info *reqinfo.Info, a reqinfo.Authorization) {
	rec.mu.Lock()
	rec.auths = append(rec.auths, a)
	rec.mu.Unlock()
	if rec.next != nil {
		rec.next.ObserveAuthorization(ctx, info, a)
	}
}

// maxField bounds the fields of a record copied from the request (host,
// path, a Logs action), each of which can be as long as the headers:
// 10,000 records must not hold 10,000 such headers.
const maxField = 512

func bounded(s string) string {
	if len(s) <= maxField {
		return s
	}
	return s[:maxField] + "…"
}

// base is what every record of the request says: who asked, for what, by
// which route. Host is the AWS name the request was decided for (in direct
// mode the name the scenario's client would have used); rawHost the Host
// header as sent.
func (rec *recording) base(r *http.Request, info *reqinfo.Info) journal.Record {
	return journal.Record{
		Time: journal.Timestamp(rec.start), Client: clientIP(r), Host: bounded(rec.host), RawHost: bounded(r.Host),
		Service: info.Class.Service, Step: string(info.Class.Step), Action: bounded(info.Class.Action),
		Resource: bounded(info.Resource()), Route: rec.route, Method: r.Method, Path: bounded(r.URL.Path),
	}
}

// record is the journal record of the request r, answered as cw says.
func (rec *recording) record(r *http.Request, info *reqinfo.Info, cw *captureWriter) journal.Record {
	status := cw.status
	if status == 0 {
		status = http.StatusOK
	}
	out := rec.base(r, info)
	out.Status, out.DurationMs = status, float64(time.Since(rec.start).Microseconds())/1000
	// The registry's 401 is its challenge to a request without
	// credentials, the first step of every login, not a failure.
	challenge := status == http.StatusUnauthorized && info.Class.Service == reqinfo.ServiceDkr
	if status >= 400 && !challenge {
		out.Error = clientText(info.Class.Service, status, cw.body.Bytes())
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	denied := false
	for _, a := range rec.auths {
		out.Policies = append(out.Policies, policiesOf(a)...)
		denied = denied || answeredWith(a, &out)
	}
	switch {
	case status < 400 || challenge:
		out.Outcome = journal.OutcomeAllowed
	case denied:
		out.Outcome = journal.OutcomeDenied
	default:
		out.Outcome = journal.OutcomeError
	}
	return out
}

// answeredWith reports whether the answer out records is a's denial: its
// words are in the answer (the bucket's AccessDenied says only "Access
// Denied"). A denial the service went past, a probe of another
// repository's layer on a mount, is not the answer.
func answeredWith(a reqinfo.Authorization, out *journal.Record) bool {
	if a.Decision.Allowed() {
		return false
	}
	if out.Service == reqinfo.ServiceS3 {
		return out.Status == http.StatusForbidden
	}
	return a.Message != "" && strings.Contains(out.Error, a.Message)
}

// policiesOf is each policy a decided, with what it decided and the
// statement that did.
func policiesOf(a reqinfo.Authorization) []journal.Policy {
	matched := a.Decision.Matched()
	out := make([]journal.Policy, 0, len(a.Policies))
	for _, ref := range a.Policies {
		p := journal.Policy{Type: policyTypeName(ref.Type), ID: ref.ID, Decision: policyeval.ImplicitlyDenied.String()}
		for _, m := range matched {
			if m.Type != ref.Type || m.Policy != ref.Index {
				continue
			}
			if m.Deny {
				p.Decision, p.Sid = policyeval.ExplicitlyDenied.String(), m.Sid
				break
			}
			if p.Decision != policyeval.Allowed.String() {
				p.Decision, p.Sid = policyeval.Allowed.String(), m.Sid
			}
		}
		out = append(out, p)
	}
	return out
}

// policyTypeName is the journal's name of a policy type.
func policyTypeName(t policyeval.PolicyType) string {
	if t == policyeval.PolicyResource {
		return "repository"
	}
	return t.String()
}

// clientText is what a real client prints for an error answer of service:
// docker's "code: message" for the registry, the exception and message for
// the API, the S3 error code and message for the bucket.
func clientText(service string, status int, body []byte) string {
	switch service {
	case reqinfo.ServiceDkr:
		var e struct {
			Errors []struct{ Code, Message string }
		}
		if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
			return strings.ToLower(strings.ReplaceAll(e.Errors[0].Code, "_", " ")) + ": " + e.Errors[0].Message
		}
	case reqinfo.ServiceAPI, reqinfo.ServiceLogs:
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if json.Unmarshal(body, &e) == nil && e.Type != "" {
			return strings.TrimSpace(e.Type[strings.LastIndex(e.Type, "#")+1:] + ": " + e.Message)
		}
	case reqinfo.ServiceS3:
		var e struct{ Code, Message string }
		if xml.Unmarshal(body, &e) == nil && e.Code != "" {
			return e.Code + ": " + e.Message
		}
	}
	return "unexpected status code " + http.StatusText(status)
}

func clientIP(r *http.Request) string {
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return ip
	}
	return r.RemoteAddr
}

// maxCapturedBody bounds how much of an error answer is kept to word the
// journal's error.
const maxCapturedBody = 4 << 10

// captureWriter passes a response through, remembering its status and the
// start of an error answer's body.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *captureWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *captureWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 400 && w.body.Len() < maxCapturedBody {
		w.body.Write(p[:min(len(p), maxCapturedBody-w.body.Len())])
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
