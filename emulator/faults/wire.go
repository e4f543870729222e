package faults

import (
	"encoding/json"
	"encoding/xml"
)

// Response is a service answer that a fired throttle or http-500 writes:
// Status, then Headers and Content-Type, then Body.
type Response struct {
	Status      int
	ContentType string
	Headers     map[string]string // besides Content-Type, keys in canonical form; nil when the wire needs none
	Body        []byte
	Code        string // the error code as the wire names it: ThrottlingException, TOOMANYREQUESTS, SlowDown…
	Message     string
	wire        wire
}

// wire is an error format: each service speaks one.
type wire int

const (
	wireJSON     wire = iota // AWS JSON 1.1: ECR API, CloudWatch Logs, ECS, KMS, SSM, Secrets Manager
	wireRegistry             // the Docker Registry API's errors envelope
	wireS3                   // S3's XML <Error>
	wireQuery                // the AWS query protocol's <ErrorResponse>: STS
)

func wireOf(service string) wire {
	switch service {
	case "ecr.dkr":
		return wireRegistry
	case "s3":
		return wireS3
	case "sts":
		return wireQuery
	}
	return wireJSON
}

// answer is one error as a wire shows it.
type answer struct {
	status        int
	code, message string
}

// Texts shared by several services.
const (
	rateExceeded = "Rate exceeded"
	// AWS's common error (CommonErrors in the API references) for a
	// service without an exception of its own.
	internalFailure = "The request processing has failed because of an unknown error, exception or failure."
)

// throttles are what each service answers when it throttles.
var throttles = map[string]answer{
	// ECR-FACTS §7 I2 (the CLI shows ThrottlingException "Rate exceeded");
	// 400 by the JSON protocol's convention (§2).
	"ecr.api": {400, "ThrottlingException", rateExceeded},
	// ECR-FACTS §7 I1: 429, "TOOMANYREQUESTS: Rate exceeded".
	"ecr.dkr": {429, "TOOMANYREQUESTS", rateExceeded},
	// S3's documented 503 SlowDown.
	"s3": {503, "SlowDown", "Please reduce your request rate."},
	// ECR-FACTS §7 I3: "ThrottlingException: Rate exceeded status code: 400".
	"logs": {400, "ThrottlingException", rateExceeded},
	// The query protocol's common code is Throttling, not ThrottlingException.
	"sts": {400, "Throttling", rateExceeded},
}

// internals are what each service answers on a server fault.
var internals = map[string]answer{
	// No reference captures ServerException's message; this is the text
	// registry/errors.go already sends for ECR's own 500s, so a fault
	// and a real failure of ecrlink look alike.
	"ecr.api": {500, "ServerException", "An internal error occurred."},
	// distribution's ErrorCodeUnknown text, which registry/errors.go also
	// sends; ECR's own wording for a 500 on /v2 is not captured anywhere.
	"ecr.dkr": {500, "UNKNOWN", "unknown error"},
	// S3's documented InternalError, as s3shim/errors.go sends it.
	"s3": {500, "InternalError", "We encountered an internal error. Please try again."},
	// CloudWatch Logs declares ServiceUnavailableException as its fault;
	// the message is the API reference's description of it, no capture.
	"logs": {500, "ServiceUnavailableException", "The service cannot complete the request."},
	"ecs":  {500, "ServerException", "An internal error occurred."}, // ECS's declared fault; message not captured
}

// Throttle is service's answer to a request it throttles. service is a
// scenario endpoint service; one not listed above answers in AWS JSON 1.1
// with ThrottlingException "Rate exceeded", the common form.
func Throttle(service string) Response {
	a, ok := throttles[service]
	if !ok {
		a = answer{400, "ThrottlingException", rateExceeded}
	}
	return render(wireOf(service), a, "", "")
}

// InternalError is service's answer on a server fault (effect http-500).
// A service not listed above answers with AWS's common InternalFailure.
func InternalError(service string) Response {
	a, ok := internals[service]
	if !ok {
		a = answer{500, "InternalFailure", internalFailure}
	}
	return render(wireOf(service), a, "", "")
}

// WithRequestID returns r carrying the request ids the wire has room for:
// x-amzn-RequestId (JSON 1.1), RequestId in the body (query), and for S3
// x-amz-request-id, x-amz-id-2 and the body's RequestId and HostId.
// The registry's envelope has none, so r is returned unchanged. The ids
// come from the caller because this package draws no randomness of its own.
func (r Response) WithRequestID(requestID, hostID string) Response {
	return render(r.wire, answer{r.Status, r.Code, r.Message}, requestID, hostID)
}

func render(w wire, a answer, requestID, hostID string) Response {
	out := Response{Status: a.status, Code: a.code, Message: a.message, wire: w}
	switch w {
	case wireRegistry:
		out.ContentType = "application/json; charset=utf-8" // ECR-FACTS §7 E4
		out.Headers = map[string]string{"Docker-Distribution-Api-Version": "registry/2.0"}
		out.Body = registryBody(a)
	case wireS3:
		out.ContentType = "application/xml"
		if requestID != "" {
			out.Headers = map[string]string{"X-Amz-Request-Id": requestID, "X-Amz-Id-2": hostID}
		}
		out.Body = s3Body(a, requestID, hostID)
	case wireQuery:
		out.ContentType = "text/xml"
		out.Body = queryBody(a, requestID)
	default:
		out.ContentType = "application/x-amz-json-1.1"
		// The SDKs read the code from this header before the body's __type.
		out.Headers = map[string]string{"X-Amzn-Errortype": a.code}
		if requestID != "" {
			out.Headers["X-Amzn-Requestid"] = requestID
		}
		out.Body = jsonBody(a)
	}
	return out
}

func jsonBody(a answer) []byte {
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{a.code, a.message})
	return b
}

func registryBody(a answer) []byte {
	type item struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	b, _ := json.Marshal(struct {
		Errors []item `json:"errors"`
	}{[]item{{a.code, a.message}}})
	return b
}

func s3Body(a answer, requestID, hostID string) []byte {
	b, _ := xml.Marshal(struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string   `xml:"Code"`
		Message   string   `xml:"Message"`
		RequestID string   `xml:"RequestId,omitempty"`
		HostID    string   `xml:"HostId,omitempty"`
	}{Code: a.code, Message: a.message, RequestID: requestID, HostID: hostID})
	return append([]byte(xml.Header), b...)
}

func queryBody(a answer, requestID string) []byte {
	typ := "Sender"
	if a.status >= 500 {
		typ = "Receiver"
	}
	type errorElem struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	b, _ := xml.Marshal(struct {
		XMLName   xml.Name  `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
		Error     errorElem `xml:"Error"`
		RequestID string    `xml:"RequestId"`
	}{Error: errorElem{typ, a.code, a.message}, RequestID: requestID})
	return b
}
