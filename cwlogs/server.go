package cwlogs

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// TargetPrefix is the X-Amz-Target prefix of the CloudWatch Logs API.
const TargetPrefix = "Logs_20140328."

// DefaultAccount and DefaultRegion are what a zero Server serves; they are
// the registry's defaults, so that a zero emulator is one account.
const (
	DefaultAccount = "000000000000"
	DefaultRegion  = "us-east-1"
)

// DefaultMaxBytes bounds the events a Server holds when MaxBytes is zero.
const DefaultMaxBytes = 64 << 20

// maxBody bounds a request body: PutLogEvents's batch of at most 1,048,576
// bytes of messages and 10,000 events, with room for its JSON (about 45
// bytes an event) and some escaping. A batch whose messages are mostly
// control characters (six bytes each as JSON) can exceed it, and is
// refused as too large. Every other input is far smaller.
const maxBody = 2 << 20

// Server serves the CloudWatch Logs API of one account, every region's
// log groups apart. The zero Server is ready to use: DefaultAccount,
// DefaultRegion for direct requests, the wall clock, DefaultMaxBytes. It is
// safe for concurrent use; its fields must not change once it serves.
type Server struct {
	// Account owns every log group; any access key acts as its root.
	// Empty means DefaultAccount.
	Account string
	// Region is the region of requests that name none (direct mode, with
	// no reqinfo.Info.Home); empty means DefaultRegion.
	Region string
	// MaxBytes bounds the events held, counted as AWS counts a batch
	// (each message's bytes plus 26); past it the oldest events of the
	// streams written longest ago are dropped. Zero means DefaultMaxBytes.
	MaxBytes int64
	// Now is the clock for ingestion times and the age of events; nil
	// means time.Now.
	Now func() time.Time
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger

	once  sync.Once
	store *store
}

func (s *Server) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Server) account() string {
	if s.Account == "" {
		return DefaultAccount
	}
	return s.Account
}

// state returns the store, made on first use so that the zero Server works.
func (s *Server) state() *store {
	s.once.Do(func() {
		limit := s.MaxBytes
		if limit <= 0 {
			limit = DefaultMaxBytes
		}
		s.store = newStore(limit)
	})
	return s.store
}

// ServeHTTP serves one API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	out, err := s.serve(w, r)
	if err != nil {
		writeError(w, s.log(), err)
		return
	}
	body, err := json.Marshal(out)
	if err != nil {
		writeError(w, s.log(), err)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = w.Write(body)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) (any, error) {
	info, ok := reqinfo.From(r.Context())
	if !ok || info.Class.Service != reqinfo.ServiceLogs {
		return nil, errNoRequestInfo
	}
	if r.Method != http.MethodPost {
		return nil, &APIError{Type: "UnknownOperationException", Status: http.StatusNotFound}
	}
	name, ours := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	newInput, known := operations[name]
	if !ours || !known {
		return nil, &APIError{Type: "UnknownOperationException"}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-amz-json-1.1" {
		return nil, &APIError{Type: "UnknownOperationException"}
	}
	body, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	in := newInput()
	if err := decode(body, in); err != nil {
		return nil, err
	}
	// AWS validates input against the model before it authorizes.
	if err := in.validate(); err != nil {
		return nil, err
	}
	sc := s.scope(info)
	if err := s.authorize(r.Context(), info, sc, "logs:"+name, in.resource(sc)); err != nil {
		return nil, err
	}
	return in.serve(s.state(), sc)
}

// readBody reads a body of at most maxBody bytes; a larger one is refused
// as a client error, unread when its length is declared.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > maxBody {
		return nil, errBodyTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, errBodyTooLarge
	case err != nil:
		return nil, apiErr("SerializationException", "Request body could not be read")
	}
	return body, nil
}

var errBodyTooLarge = &APIError{Type: "SerializationException", Message: "Request body is too large", Status: http.StatusRequestEntityTooLarge}

// scope is where one request acts: the account, the region and its
// partition, and the time it is served at.
type scope struct {
	partition, region, account string
	now                        time.Time
}

// scope derives the request's region: that of the AWS name it came by,
// else the home the emulator stamped, else the Server's own.
func (s *Server) scope(info *reqinfo.Info) scope {
	region := s.Region
	switch {
	case info.Host.IsAWS():
		region = info.Host.Region
	case info.Home.Region != "":
		region = info.Home.Region
	case region == "":
		region = DefaultRegion
	}
	account := s.account()
	if info.Home.Account != "" { // the scenario's account: its groups are the client's
		account = info.Home.Account
	}
	return scope{partition: awsname.PartitionOf(region).ID, region: region, account: account, now: s.now()}
}

// groupARN is the ARN a log group is authorized as, with AWS's trailing
// ":*" (the form LogGroup.arn has).
func (sc scope) groupARN(group string) string {
	return "arn:" + sc.partition + ":logs:" + sc.region + ":" + sc.account + ":log-group:" + group + ":*"
}

func (sc scope) streamARN(group, stream string) string {
	return "arn:" + sc.partition + ":logs:" + sc.region + ":" + sc.account + ":log-group:" + group + ":log-stream:" + stream
}

// authorize asks whether the account's root may perform action on
// resource through the endpoints the network decided the request used.
// With no network decision the request is denied: none may be assumed.
func (s *Server) authorize(ctx context.Context, info *reqinfo.Info, sc scope, action, resource string) error {
	principal := awsname.RootARN(sc.region, sc.account)
	info.SetResource(resource)
	if info.Caller == nil {
		s.log().Error("cwlogs: request without a network decision denied", "action", action, "resource", resource)
		return accessDenied("User: " + principal + " is not authorized to perform: " + action +
			" on resource: " + resource + " because no network path was decided for the request")
	}
	req := policyeval.Request{Principal: principal, Action: action, Resource: resource, Context: info.Caller.Context, Now: sc.now}
	set := policyeval.Set{Endpoint: info.Caller.EndpointPolicies}
	d := policyeval.Evaluate(&req, &set)
	a := reqinfo.Authorization{Principal: principal, Action: action, Resource: resource, Decision: d,
		Policies: reqinfo.RefsOf(&set, reqinfo.PolicyNames{Identity: principal, Endpoint: info.Caller.VPCEndpointID})}
	if !d.Allowed() {
		a.Message = d.Message(&req)
	}
	reqinfo.Report(ctx, a)
	if !d.Allowed() {
		return accessDenied(a.Message)
	}
	return nil
}

func accessDenied(message string) *APIError {
	return &APIError{Type: "AccessDeniedException", Message: message}
}
