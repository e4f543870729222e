package ca

import (
	"container/list"
	"crypto/tls"
)

// lru is a bounded least-recently-used map of leaves keyed by their subject
// names, so every account's registry name shares one leaf and a flood of
// distinct names cannot grow memory without bound. The CA's mutex guards it.
type lru struct {
	max   int
	order *list.List // front is most recent; values are *entry
	byKey map[string]*list.Element
}

type entry struct {
	key  string
	cert *tls.Certificate
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (l *lru) get(key string) (*tls.Certificate, bool) {
	el, ok := l.byKey[key]
	if !ok {
		return nil, false
	}
	l.order.MoveToFront(el)
	return el.Value.(*entry).cert, true
}

func (l *lru) put(key string, cert *tls.Certificate) {
	if el, ok := l.byKey[key]; ok {
		el.Value.(*entry).cert = cert
		l.order.MoveToFront(el)
		return
	}
	l.byKey[key] = l.order.PushFront(&entry{key: key, cert: cert})
	for l.order.Len() > l.max {
		oldest := l.order.Back()
		l.order.Remove(oldest)
		delete(l.byKey, oldest.Value.(*entry).key)
	}
}

func (l *lru) len() int { return l.order.Len() }
