package cwlogs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// APIError is a CloudWatch Logs JSON 1.1 error: {"__type": Type,
// "message": Message}. Client errors are 400, the service's faults 500, by
// the JSON protocol's convention.
type APIError struct {
	Type    string // exception name, e.g. "ResourceNotFoundException"
	Message string
	Status  int // zero means 400
}

func (e *APIError) Error() string { return e.Type + ": " + e.Message }

func apiErr(typ, format string, args ...any) *APIError {
	return &APIError{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// The service's texts for the errors of the operations served.
const (
	msgGroupExists    = "The specified log group already exists"
	msgStreamExists   = "The specified log stream already exists"
	msgNoGroup        = "The specified log group does not exist."
	msgNoStream       = "The specified log stream does not exist."
	msgLimit          = "Resource limit exceeded."
	msgBadToken       = "The specified nextToken is invalid."
	msgUnordered      = "Log events in a single PutLogEvents request must be in chronological order."
	msgSpan           = "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
	msgOrderAndPrefix = "Cannot order by LastEventTime with a logStreamNamePrefix."
	msgServerFault    = "The service cannot complete the request."
)

var (
	errNoGroup  = apiErr("ResourceNotFoundException", msgNoGroup)
	errNoStream = apiErr("ResourceNotFoundException", msgNoStream)
	errBadToken = apiErr("InvalidParameterException", msgBadToken)
	errLimit    = apiErr("LimitExceededException", msgLimit)
)

func invalidParam(format string, args ...any) *APIError {
	return apiErr("InvalidParameterException", format, args...)
}

// errNoRequestInfo is a request that reached cwlogs without the facts the
// emulator stamps on every request: a wiring fault, refused rather than
// served on guesses.
var errNoRequestInfo = errors.New("cwlogs: request carries no reqinfo.Info for CloudWatch Logs")

// violations collects the model's constraint failures, which the service
// reports all at once, in its (Coral) wording:
//
//	1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+
type violations []string

// add records that value (a string, a number, or nil for a missing
// member) at path fails constraint.
func (v *violations) add(value any, path, constraint string) {
	shown := "null"
	switch x := value.(type) {
	case nil:
	case string:
		shown = "'" + x + "'"
	default:
		shown = fmt.Sprintf("'%v'", x)
	}
	*v = append(*v, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must %s", shown, path, constraint))
}

// err is the InvalidParameterException for what was collected, or nil.
func (v violations) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return invalidParam("1 validation error detected: %s", v[0])
	}
	return invalidParam("%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

// decode unmarshals a request body as the service does: malformed JSON and
// type mismatches are SerializationExceptions; unknown members are ignored.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	err := json.Unmarshal(body, v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return apiErr("SerializationException", "Unexpected value type in field '%s'", te.Field)
	}
	return &APIError{Type: "SerializationException"}
}

// writeError renders err as the service would. Anything that is not an
// *APIError is the service's own fault, its detail logged, not sent.
func writeError(w http.ResponseWriter, log *slog.Logger, err error) {
	var ae *APIError
	if !errors.As(err, &ae) {
		log.Error("cwlogs: internal error", "err", err)
		ae = &APIError{Type: "ServiceUnavailableException", Message: msgServerFault, Status: http.StatusInternalServerError}
	}
	status := ae.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message,omitempty"`
	}{ae.Type, ae.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
