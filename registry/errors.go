package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// APIError is an ECR JSON 1.1 API error: {"__type": Type, "message": Message}.
// Client errors are 400 and ServerException 500, by the JSON protocol's
// convention: no ECR exception declares a status (ECR-FACTS §2).
type APIError struct {
	Type    string // exception name, e.g. "RepositoryNotFoundException"
	Message string
	Status  int // zero means 400
	// Fields are further members of the exception's shape, written beside
	// message (InvalidLayerPartException's lastValidByteReceived); nil
	// means none.
	Fields map[string]any
}

func (e *APIError) Error() string { return e.Type + ": " + e.Message }

func apiErr(typ, format string, args ...any) *APIError {
	return &APIError{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// invalidParam is ECR's constraint wording (ECR-FACTS §2.2, §8.3).
func invalidParam(field, constraint string) *APIError {
	return apiErr("InvalidParameterException", "Invalid parameter at '%s' failed to satisfy constraint: '%s'", field, constraint)
}

func repositoryNotFound(name, registryID string) *APIError {
	return apiErr("RepositoryNotFoundException",
		"The repository with name '%s' does not exist in the registry with id '%s'", name, registryID)
}

func repositoryAlreadyExists(name, registryID string) *APIError {
	return apiErr("RepositoryAlreadyExistsException",
		"The repository with name '%s' already exists in the registry with id '%s'", name, registryID)
}

// statusClientClosed is the status distribution, like nginx, records for a
// request whose client went away before the answer.
const statusClientClosed = 499

// writeAPIError renders err as ECR would. Anything that is not an *APIError
// is a ServerException whose detail goes to the log, not the client.
func writeAPIError(w http.ResponseWriter, log *slog.Logger, err error) {
	var ae *APIError
	var de *DeniedError
	if errors.As(err, &de) {
		ae = deniedAPI(de)
	} else if errors.Is(err, context.Canceled) {
		// The client left (while waiting for a lock, say): nobody reads
		// this answer, and it is not the server's fault.
		log.Debug("ecr api: client went away", "err", err)
		ae = &APIError{Type: "RequestCanceled", Message: "request canceled", Status: statusClientClosed}
	} else if !errors.As(err, &ae) {
		log.Error("ecr api: internal error", "err", err)
		ae = &APIError{Type: "ServerException", Message: "An internal error occurred.", Status: http.StatusInternalServerError}
	}
	status := ae.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message,omitempty"`
	}{ae.Type, ae.Message})
	if ae.Fields != nil {
		out := map[string]any{"__type": ae.Type}
		if ae.Message != "" {
			out["message"] = ae.Message
		}
		for k, v := range ae.Fields {
			out[k] = v
		}
		body, _ = json.Marshal(out)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// RegistryError is a Docker Registry API error, written as
// {"errors":[{"code": Code, "message": Message}]} (ECR-FACTS E4).
type RegistryError struct {
	Code    string // e.g. "NAME_UNKNOWN", "DENIED"
	Message string
	Status  int
}

func (e *RegistryError) Error() string { return e.Code + ": " + e.Message }

func regErr(status int, code, format string, args ...any) *RegistryError {
	return &RegistryError{Code: code, Message: fmt.Sprintf(format, args...), Status: status}
}

// writeRegistryError renders err in the /v2 errors envelope with ECR's
// headers; unknown errors are 500 UNKNOWN with the detail logged.
func writeRegistryError(w http.ResponseWriter, log *slog.Logger, err error) {
	var re *RegistryError
	var de *DeniedError
	if errors.As(err, &de) {
		re = deniedRegistry(de)
	} else if errors.Is(err, context.Canceled) {
		log.Debug("registry: client went away", "err", err)
		re = &RegistryError{Code: "UNKNOWN", Message: "client disconnected", Status: statusClientClosed}
	} else if !errors.As(err, &re) {
		log.Error("registry: internal error", "err", err)
		re = &RegistryError{Code: "UNKNOWN", Message: "unknown error", Status: http.StatusInternalServerError}
	}
	type item struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	body, _ := json.Marshal(struct {
		Errors []item `json:"errors"`
	}{[]item{{re.Code, re.Message}}})
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Docker-Distribution-Api-Version", "registry/2.0")
	w.WriteHeader(re.Status)
	_, _ = w.Write(body)
}
