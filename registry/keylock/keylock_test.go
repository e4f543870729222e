package keylock

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestKeyedLocks checks that a key's lock excludes, that a waiter gives up
// with its context, and that nothing is kept once no one holds or waits.
func TestKeyedLocks(t *testing.T) {
	var k Map
	unlock, err := k.Lock(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	other, err := k.Lock(context.Background(), "b") // another key is free
	if err != nil {
		t.Fatal(err)
	}
	other()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := k.Lock(ctx, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock of a held key: %v, want DeadlineExceeded", err)
	}
	got := make(chan func(), 1)
	go func() {
		u, _ := k.Lock(context.Background(), "a")
		got <- u
	}()
	unlock()
	(<-got)()
	if n := len(k.locks); n != 0 {
		t.Fatalf("%d locks kept after every release", n)
	}
}
