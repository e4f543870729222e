package s3shim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
)

// Error is S3's XML <Error>; Status is kept out of the XML, as S3 does.
// A sample body:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>…</RequestId><HostId>…</HostId></Error>
type Error struct {
	XMLName xml.Name `xml:"Error"`
	Code    string   `xml:"Code"`
	Message string   `xml:"Message"`
	Key     string   `xml:"Key,omitempty"`
	// Fields S3 adds to some errors.
	Expires           string `xml:"Expires,omitempty"`
	ServerTime        string `xml:"ServerTime,omitempty"`
	XAmzExpires       string `xml:"X-Amz-Expires,omitempty"`
	AWSAccessKeyID    string `xml:"AWSAccessKeyId,omitempty"`
	SignatureProvided string `xml:"SignatureProvided,omitempty"`
	RequestID         string `xml:"RequestId"`
	HostID            string `xml:"HostId"`
	Status            int    `xml:"-"`
	// Detail is for the journal and logs, never the client: S3 gives ECR's
	// presigner only the generic "Access Denied" (POLICY-FACTS §7.2).
	Detail string `xml:"-"`
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return e.Code + ": " + e.Detail
	}
	return e.Code + ": " + e.Message
}

// S3's texts.
const (
	msgAccessDenied  = "Access Denied"
	msgExpired       = "Request has expired"
	msgSignature     = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	msgNoSuchKey     = "The specified key does not exist."
	msgQueryParams   = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
	msgMethodNotAllw = "The specified method is not allowed against this resource."
)

func accessDenied(detail string) *Error {
	return &Error{Code: "AccessDenied", Message: msgAccessDenied, Status: http.StatusForbidden, Detail: detail}
}

// writeError renders err as S3 XML; anything that is not an *Error is
// S3's InternalError, the detail logged.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *Error
	if !errors.As(err, &e) {
		log.Error("s3shim: internal error", "err", err)
		e = &Error{Code: "InternalError", Message: "We encountered an internal error. Please try again.", Status: http.StatusInternalServerError}
	}
	out := *e
	out.RequestID, out.HostID = requestIDs()
	body, _ := xml.Marshal(&out)
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("x-amz-request-id", out.RequestID)
	h.Set("x-amz-id-2", out.HostID)
	h.Del("Content-Length")
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(xml.Header))
		_, _ = w.Write(body)
	}
}

func requestIDs() (string, string) {
	b := make([]byte, 8+24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b[:8]), hex.EncodeToString(b[8:])
}
