package cwlogs

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// call serves one API call in process, as the emulator would.
func call(t testing.TB, s *Server, op string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:5000/", bytes.NewReader(body))
	r.Header.Set("X-Amz-Target", TargetPrefix+op)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	info := reqinfo.New(r)
	info.Class = reqinfo.Class{Service: reqinfo.ServiceLogs, Step: reqinfo.StepLogs}
	info.Caller = &policyeval.Caller{}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r.WithContext(reqinfo.With(r.Context(), info)))
	return w
}

// FuzzPutLogEvents: no body makes the decode path panic or answer 500, and
// the events a PutLogEvents accepts are exactly those GetLogEvents then
// returns, in order.
func FuzzPutLogEvents(f *testing.F) {
	clock := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	ms := clock.UnixMilli()
	for _, seed := range []string{
		`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":` + itoa(ms) + `,"message":"hello"}]}`,
		`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":0,"message":"old"},{"timestamp":` + itoa(ms) + `,"message":"ok"},{"timestamp":` + itoa(ms+3*3600_000) + `,"message":"new"}]}`,
		`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":2,"message":"b"},{"timestamp":1,"message":"a"}]}`,
		`{"logGroupName":"g","logStreamName":"s","logEvents":[]}`,
		`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":-9223372036854775808,"message":"x"},{"timestamp":9223372036854775807,"message":"y"}]}`,
		`{"logGroupName":"g","logStreamName":"s","logEvents":[{"message":"no time"}]}`,
		`{"logGroupName":"g","logStreamName":"s","logEvents":null,"sequenceToken":"1"}`,
		`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1e3,"message":"float"}]}`,
		`{"logGroupName":"g"`, `[]`, `null`, ``, `{"logEvents":[{"timestamp":"1","message":2}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s := &Server{Now: func() time.Time { return clock }}
		call(t, s, "CreateLogGroup", []byte(`{"logGroupName":"g"}`))
		call(t, s, "CreateLogStream", []byte(`{"logGroupName":"g","logStreamName":"s"}`))
		w := call(t, s, "PutLogEvents", body)
		if w.Code >= 500 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		if w.Code != http.StatusOK {
			return
		}
		var in putLogEventsInput
		var out struct {
			Rejected struct {
				TooNew *int `json:"tooNewLogEventStartIndex"`
				TooOld *int `json:"tooOldLogEventEndIndex"`
			} `json:"rejectedLogEventsInfo"`
		}
		_ = json.Unmarshal(body, &in)
		_ = json.Unmarshal(w.Body.Bytes(), &out)
		first, end := 0, len(in.LogEvents)
		if out.Rejected.TooOld != nil {
			first = *out.Rejected.TooOld + 1
		}
		if out.Rejected.TooNew != nil {
			end = *out.Rejected.TooNew
		}
		get := call(t, s, "GetLogEvents", []byte(`{"logGroupName":"g","logStreamName":"s","startFromHead":true}`))
		var got getLogEventsOutput
		if err := json.Unmarshal(get.Body.Bytes(), &got); err != nil || get.Code != http.StatusOK {
			t.Fatalf("GetLogEvents: %d %s", get.Code, get.Body)
		}
		accepted := in.LogEvents[first:end]
		if len(got.Events) != len(accepted) {
			t.Fatalf("%d events accepted, %d returned", len(accepted), len(got.Events))
		}
		for i, e := range got.Events {
			if e.Timestamp != *accepted[i].Timestamp || e.Message != *accepted[i].Message || e.IngestionTime != ms {
				t.Fatalf("event %d: %+v, want %d %q", i, e, *accepted[i].Timestamp, *accepted[i].Message)
			}
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
