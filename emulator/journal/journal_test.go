package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func seqs(recs []Record) []uint64 {
	var out []uint64
	for _, r := range recs {
		out = append(out, r.Seq)
	}
	return out
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRing(t *testing.T) {
	t.Parallel()
	j := New(Options{Capacity: 3})
	for range 5 {
		j.Append(Record{Step: "manifest"})
	}
	tests := []struct {
		name  string
		since uint64
		limit int
		want  []uint64
	}{
		{"the newest three", 0, 0, []uint64{3, 4, 5}},
		{"after 3", 3, 0, []uint64{4, 5}},
		{"limited", 0, 2, []uint64{3, 4}},
		{"nothing newer", 5, 0, nil},
	}
	for _, tc := range tests {
		if got := seqs(j.Since(tc.since, tc.limit)); !equal(got, tc.want) {
			t.Errorf("%s: Since(%d, %d) = %v, want %v", tc.name, tc.since, tc.limit, got, tc.want)
		}
	}
	j.Clear()
	if got := j.Since(0, 0); len(got) != 0 {
		t.Fatalf("after Clear: %v", seqs(got))
	}
	if seq := j.Append(Record{}); seq != 6 {
		t.Fatalf("after Clear the next record is %d, want 6: numbers never repeat", seq)
	}
}

// TestRecordShape: every key of DESIGN.md's record is present, the time
// in milliseconds UTC, policies an array.
func TestRecordShape(t *testing.T) {
	t.Parallel()
	r := Record{Seq: 41, Time: Timestamp(time.Date(2026, 12, 2, 11, 0, 0, 123456789, time.FixedZone("CET", 3600)))}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"seq", "time", "client", "host", "service", "step", "action", "resource", "route", "policies", "outcome", "status", "error", "durationMs"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %s", k, b)
		}
	}
	if m["time"] != "2026-12-02T10:00:00.123Z" {
		t.Errorf("time = %v", m["time"])
	}
	if p, ok := m["policies"].([]any); !ok || len(p) != 0 {
		t.Errorf("policies = %v, want []", m["policies"])
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil || back.Seq != 41 || !time.Time(back.Time).Equal(time.Time(r.Time).Truncate(time.Millisecond)) {
		t.Errorf("round trip: %+v %v", back, err)
	}
}

// syncBuffer is a file safe for concurrent appends.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// TestFileGetsEveryRecord: the file keeps what the ring drops, one JSON
// object a line, from concurrent writers.
func TestFileGetsEveryRecord(t *testing.T) {
	t.Parallel()
	f := &syncBuffer{}
	j := New(Options{Capacity: 2, File: f})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 25 {
				j.Append(Record{Step: "layer"})
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSpace(f.b.String()), "\n")
	if len(lines) != 200 {
		t.Fatalf("%d lines, want 200", len(lines))
	}
	seen := map[uint64]bool{}
	for _, l := range lines {
		var r Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		seen[r.Seq] = true
	}
	if len(seen) != 200 || len(j.Since(0, 0)) != 2 {
		t.Fatalf("%d distinct records in the file, %d in the ring", len(seen), len(j.Since(0, 0)))
	}
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	j := New(Options{})
	srv := httptest.NewServer(j)
	t.Cleanup(srv.Close)
	t.Cleanup(j.Close)
	client := srv.Client()
	for range 3 {
		j.Append(Record{Step: "auth"})
	}
	get := func(query string) (int, string) {
		resp, err := client.Get(srv.URL + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	if code, body := get("?since=1&limit=1"); code != 200 || strings.Count(body, "\n") != 1 || !strings.Contains(body, `"seq":2`) {
		t.Errorf("since=1&limit=1: %d %q", code, body)
	}
	for _, q := range []string{"?since=x", "?limit=0", "?follow=maybe"} {
		if code, body := get(q); code != 400 || !strings.Contains(body, "want") {
			t.Errorf("%s: %d %q, want 400 saying what is wanted", q, code, body)
		}
	}
	req, _ := http.NewRequest(http.MethodDelete, srv.URL, nil)
	if resp, err := client.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("DELETE: %v %v", resp, err)
	}
	if _, body := get(""); body != "" {
		t.Errorf("after DELETE: %q", body)
	}
}

// TestFollow: a follower sees records as they come, and ends when the
// journal closes.
func TestFollow(t *testing.T) {
	t.Parallel()
	j := New(Options{})
	srv := httptest.NewServer(j)
	t.Cleanup(srv.Close)
	j.Append(Record{Step: "auth"})
	resp, err := srv.Client().Get(srv.URL + "?follow=true")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	next := func() Record {
		if !lines.Scan() {
			t.Fatalf("stream ended: %v", lines.Err())
		}
		var r Record
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := next(); r.Seq != 1 {
		t.Fatalf("first record %d", r.Seq)
	}
	j.Clear() // a clear while following skips nothing that comes after
	j.Append(Record{Step: "manifest"})
	if r := next(); r.Seq != 2 || r.Step != "manifest" {
		t.Fatalf("followed record %+v", r)
	}
	j.Close()
	if lines.Scan() {
		t.Fatalf("stream went on after Close: %q", lines.Text())
	}
}
