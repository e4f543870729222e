package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClientThatLeftIsNotAServerError: a request whose client went away
// (while it waited for an upload or repository lock, say) is answered 499,
// as distribution records it, never a logged 500.
func TestClientThatLeftIsNotAServerError(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	canceled := fmt.Errorf("waiting for upload x: %w", context.Canceled)
	tests := []struct {
		name   string
		write  func(*httptest.ResponseRecorder, error)
		err    error
		status int
		body   string
	}{
		{"api canceled", func(w *httptest.ResponseRecorder, err error) { writeAPIError(w, log, err) }, canceled, 499, "RequestCanceled"},
		{"registry canceled", func(w *httptest.ResponseRecorder, err error) { writeRegistryError(w, log, err) }, canceled, 499, "client disconnected"},
		{"api internal", func(w *httptest.ResponseRecorder, err error) { writeAPIError(w, log, err) }, errors.New("disk"), 500, "ServerException"},
		{"registry internal", func(w *httptest.ResponseRecorder, err error) { writeRegistryError(w, log, err) }, errors.New("disk"), 500, "UNKNOWN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.write(w, tt.err)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.body) {
				t.Errorf("got %d %s, want %d with %q", w.Code, w.Body, tt.status, tt.body)
			}
		})
	}
}
