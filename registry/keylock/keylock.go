// Package keylock is one lock per key, taken with a context: the registry
// serialises writes per repository and requests per upload with it.
package keylock

import (
	"context"
	"sync"
)

// Map is one lock per key, kept only while a request holds or waits for
// it, so that keys which come and go (upload ids) leave nothing behind.
// The zero Map is ready to use.
type Map struct {
	mu    sync.Mutex
	locks map[string]*keyedLock
}

type keyedLock struct {
	held chan struct{} // one slot: full while held
	refs int           // holders and waiters; guarded by Map.mu
}

// Lock takes key's lock, waiting as long as ctx allows, and returns the
// function that releases it.
func (k *Map) Lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyedLock{held: make(chan struct{}, 1)}
		k.locks[key] = l
	}
	l.refs++
	k.mu.Unlock()
	select {
	case l.held <- struct{}{}:
		return func() {
			<-l.held
			k.forget(key, l)
		}, nil
	case <-ctx.Done():
		k.forget(key, l)
		return nil, ctx.Err()
	}
}

func (k *Map) forget(key string, l *keyedLock) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if l.refs--; l.refs == 0 {
		delete(k.locks, key)
	}
}
