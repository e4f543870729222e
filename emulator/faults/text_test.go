package faults

import "testing"

func TestClientText(t *testing.T) {
	t.Parallel()
	api := Request{Service: "ecr.api", Host: "api.ecr.us-east-1.amazonaws.com"}
	tests := []struct {
		effect string
		req    Request
		want   string
	}{
		{"timeout", api, "dial tcp api.ecr.us-east-1.amazonaws.com:443: i/o timeout"},
		{"timeout", Request{Host: "127.0.0.1:5000"}, "dial tcp 127.0.0.1:5000: i/o timeout"},
		{"timeout", Request{Host: "[::1]:5000"}, "dial tcp [::1]:5000: i/o timeout"},
		{"refuse", api, "dial tcp api.ecr.us-east-1.amazonaws.com:443: connect: connection refused"},
		{"nxdomain", Request{Host: "111122223333.dkr.ecr.us-east-1.amazonaws.com:443"},
			"dial tcp: lookup 111122223333.dkr.ecr.us-east-1.amazonaws.com: no such host"},
		{"reset", api, "read: connection reset by peer"},
		{"throttle", api, "ThrottlingException: Rate exceeded"},
		{"throttle", Request{Service: "ecr.dkr"}, "TOOMANYREQUESTS: Rate exceeded"},
		{"throttle", Request{Service: "s3"}, "SlowDown: Please reduce your request rate."},
		{"throttle", Request{Service: "logs"}, "ThrottlingException: Rate exceeded"},
		{"http-500", api, "ServerException: An internal error occurred."},
		{"http-500", Request{Service: "ecr.dkr"}, "UNKNOWN: unknown error"},
		{"http-500", Request{Service: "s3"}, "InternalError: We encountered an internal error. Please try again."},
		{"slow", api, ""},
		{"bogus", api, ""},
	}
	for _, tc := range tests {
		if got := ClientText(tc.effect, tc.req); got != tc.want {
			t.Errorf("ClientText(%q, %+v) = %q, want %q", tc.effect, tc.req, got, tc.want)
		}
	}
}
