package registry

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ecrlink/ecrlink/reqinfo"
)

// TestUnparsableDistributionErrorKeepsItsStatus: an error distribution
// writes without its errors envelope keeps its status and gets a message
// that says what the status says, not a bare "unknown error".
func TestUnparsableDistributionErrorKeepsItsStatus(t *testing.T) {
	tests := []struct {
		status    int
		body      string
		code, msg string
	}{
		{http.StatusMethodNotAllowed, "405 method not allowed\n", "UNSUPPORTED", "method not allowed"},
		{http.StatusNotFound, "404 page not found\n", "UNKNOWN", "not found"},
		{http.StatusInternalServerError, "", "UNKNOWN", "internal server error"},
		{599, "{", "UNKNOWN", "status 599"},
	}
	for _, tt := range tests {
		w := &ecrErrorWriter{ResponseWriter: httptest.NewRecorder(), rt: &reqinfo.RegistryRoute{Kind: reqinfo.RouteManifest}}
		w.WriteHeader(tt.status)
		_, _ = w.Write([]byte(tt.body))
		err := w.finish()
		var re *RegistryError
		if !errors.As(err, &re) || re.Status != tt.status || re.Code != tt.code || re.Message != tt.msg {
			t.Errorf("%d %q: got %#v, want %d %s %q", tt.status, tt.body, err, tt.status, tt.code, tt.msg)
		}
	}
}
