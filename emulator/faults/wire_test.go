package faults

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/restjson"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
	smithyxml "github.com/aws/smithy-go/encoding/xml"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/minio/minio-go/v7"
)

// httpResponse is r as the client receives it.
func httpResponse(r Response) *http.Response {
	h := http.Header{}
	h.Set("Content-Type", r.ContentType)
	for k, v := range r.Headers {
		h.Set(k, v)
	}
	return &http.Response{
		StatusCode: r.Status, Status: http.StatusText(r.Status), Header: h,
		Body: io.NopCloser(bytes.NewReader(r.Body)), ContentLength: int64(len(r.Body)),
	}
}

// answering is an HTTP client that answers every request with r, so the
// real SDK decodes r without any network.
type answering Response

func (a answering) Do(req *http.Request) (*http.Response, error) {
	resp := httpResponse(Response(a))
	resp.Request = req
	return resp, nil
}

func ecrCall(t *testing.T, r Response) error {
	t.Helper()
	c := ecr.New(ecr.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIAEXAMPLE", "secret", ""),
		HTTPClient:  answering(r),
		Retryer:     aws.NopRetryer{},
	})
	_, err := c.GetAuthorizationToken(t.Context(), &ecr.GetAuthorizationTokenInput{})
	if err == nil {
		t.Fatal("GetAuthorizationToken succeeded")
	}
	return err
}

// TestECRAPIAnswersDecode: the ECR SDK reads both answers as ECR's errors.
func TestECRAPIAnswersDecode(t *testing.T) {
	t.Parallel()
	var ae smithy.APIError
	err := ecrCall(t, Throttle("ecr.api"))
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" || ae.ErrorMessage() != "Rate exceeded" {
		t.Errorf("throttle: got %v", err)
	}
	var se *ecrtypes.ServerException
	err = ecrCall(t, InternalError("ecr.api").WithRequestID("req-1", ""))
	if !errors.As(err, &se) || se.ErrorMessage() != "An internal error occurred." {
		t.Errorf("http-500: got %v, want ServerException", err)
	}
	if !strings.Contains(err.Error(), "StatusCode: 500") || !strings.Contains(err.Error(), "RequestID: req-1") {
		t.Errorf("http-500: %v lacks the status or the request id", err)
	}
}

// TestJSONAnswersDecode: the other JSON 1.1 services, through the SDK's
// own error decoder.
func TestJSONAnswersDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		resp       Response
		status     int
		code, text string
	}{
		{"logs throttle", Throttle("logs"), 400, "ThrottlingException", "Rate exceeded"},
		{"logs http-500", InternalError("logs"), 500, "ServiceUnavailableException", "The service cannot complete the request."},
		{"ecs http-500", InternalError("ecs"), 500, "ServerException", "An internal error occurred."},
		{"kms throttle", Throttle("kms"), 400, "ThrottlingException", "Rate exceeded"},
		{"ssm http-500", InternalError("ssm"), 500, "InternalFailure", internalFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.resp.Status != tc.status || tc.resp.ContentType != "application/x-amz-json-1.1" {
				t.Errorf("status %d, type %q", tc.resp.Status, tc.resp.ContentType)
			}
			code, msg, err := restjson.GetErrorInfo(json.NewDecoder(bytes.NewReader(tc.resp.Body)))
			if err != nil || code != tc.code || msg != tc.text {
				t.Errorf("body decodes to %q, %q, %v", code, msg, err)
			}
			if h := httpResponse(tc.resp).Header.Get("X-Amzn-ErrorType"); restjson.SanitizeErrorCode(h) != tc.code {
				t.Errorf("X-Amzn-ErrorType = %q", h)
			}
		})
	}
}

// TestRegistryAnswersDecode: go-containerregistry reads the envelope.
func TestRegistryAnswersDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		resp   Response
		status int
		code   transport.ErrorCode
		text   string
	}{
		{"throttle", Throttle("ecr.dkr"), 429, transport.TooManyRequestsErrorCode, "TOOMANYREQUESTS: Rate exceeded"},
		{"http-500", InternalError("ecr.dkr"), 500, transport.UnknownErrorCode, "UNKNOWN: unknown error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hr := httpResponse(tc.resp)
			if hr.Header.Get("Docker-Distribution-Api-Version") != "registry/2.0" {
				t.Error("no Docker-Distribution-Api-Version")
			}
			var te *transport.Error
			err := transport.CheckError(hr, http.StatusOK)
			if !errors.As(err, &te) || te.StatusCode != tc.status || len(te.Errors) != 1 || te.Errors[0].Code != tc.code {
				t.Fatalf("got %#v", err)
			}
			if got := te.Errors[0].String(); got != tc.text || got != tc.resp.Text() {
				t.Errorf("diagnostic %q, Text %q, want %q", got, tc.resp.Text(), tc.text)
			}
		})
	}
}

// TestS3AnswersDecode: minio-go's ErrorResponse reads the XML.
func TestS3AnswersDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		resp       Response
		status     int
		code, text string
	}{
		{"throttle", Throttle("s3"), 503, "SlowDown", "Please reduce your request rate."},
		{"http-500", InternalError("s3"), 500, "InternalError", "We encountered an internal error. Please try again."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, r := range []Response{tc.resp, tc.resp.WithRequestID("4442587FB7D0A2F9", "host-id")} {
				var er minio.ErrorResponse
				if err := xml.Unmarshal(r.Body, &er); err != nil {
					t.Fatal(err)
				}
				if r.Status != tc.status || r.ContentType != "application/xml" || er.Code != tc.code || er.Message != tc.text {
					t.Errorf("%d %q: %+v", r.Status, r.ContentType, er)
				}
				if !bytes.HasPrefix(r.Body, []byte("<?xml")) {
					t.Errorf("body %q lacks the XML declaration", r.Body)
				}
				if r.Headers["X-Amz-Request-Id"] != er.RequestID || r.Headers["X-Amz-Id-2"] != er.HostID {
					t.Errorf("headers %v disagree with the body's ids %q %q", r.Headers, er.RequestID, er.HostID)
				}
			}
		})
	}
}

// TestQueryAnswersDecode: STS answers in the query protocol; smithy's
// decoder reads it.
func TestQueryAnswersDecode(t *testing.T) {
	t.Parallel()
	r := Throttle("sts").WithRequestID("req-2", "")
	c, err := smithyxml.GetErrorResponseComponents(bytes.NewReader(r.Body), false)
	if err != nil || c.Code != "Throttling" || c.Message != "Rate exceeded" || r.Status != 400 ||
		!strings.Contains(string(r.Body), "<RequestId>req-2</RequestId>") {
		t.Errorf("%d: %+v, %v", r.Status, c, err)
	}
	r = InternalError("sts")
	c, err = smithyxml.GetErrorResponseComponents(bytes.NewReader(r.Body), false)
	if err != nil || c.Code != "InternalFailure" || r.Status != 500 || !strings.Contains(string(r.Body), "<Type>Receiver</Type>") {
		t.Errorf("%d: %+v, %v", r.Status, c, err)
	}
}

// TestResponsesAreIndependent: a caller changing one Response's headers
// does not change the next.
func TestResponsesAreIndependent(t *testing.T) {
	t.Parallel()
	a := Throttle("ecr.dkr")
	a.Headers["X"] = "y"
	if _, ok := Throttle("ecr.dkr").Headers["X"]; ok {
		t.Error("Responses share their Headers")
	}
	b := a.WithRequestID("id", "")
	b.Headers["Z"] = "w"
	if _, ok := a.Headers["Z"]; ok {
		t.Error("WithRequestID shares Headers")
	}
}
