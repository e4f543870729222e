package faults

import (
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/ecrlink/ecrlink/emulator/scenario"
)

// Source is the randomness that decides whether a fault with a rate below
// 1 fires: Float64 returns a number in [0, 1). *rand.Rand satisfies it.
// A Set calls it under its own lock, so a Source need not be safe for
// concurrent use.
type Source interface {
	Float64() float64
}

// Request describes a request as far as matching needs.
type Request struct {
	Service    string // the endpoint service: ecr.api, ecr.dkr, s3, logs, …
	Action     string // the IAM action: ecr:BatchGetImage, s3:GetObject, …
	Repository string // the repository name; empty when the request names none
	Host       string // the Host header as the client sent it, port included
}

// Fault is a fired fault: what the emulator must do to the request.
type Fault struct {
	Index          int    // the fault's position in the scenario's faults list
	Effect         string // one of scenario.Effects()
	BytesPerSecond int    // the pace of effect slow; zero for the others
}

// Set is a scenario's faults, compiled, with their counters. It is safe
// for concurrent use. A nil *Set has no faults: Decide never fires.
type Set struct {
	rules []rule
	mu    sync.Mutex // guards rng
	rng   Source
	// seeded: rng is the Set's own PCG, seeded with seed, which Reset
	// restores; a caller's Source is the caller's to rewind.
	seeded bool
	seed   [2]uint64
}

type rule struct {
	match matcher
	after uint64
	rate  float64
	fault Fault
	count atomic.Uint64 // requests this rule has owned since New or Reset
}

// New compiles fs, which scenario.Parse has validated; New does not
// validate again. A rate outside (0, 1] is read as 1, the scenario's
// default, so a zero Fault built by hand means "always". rng decides the
// fractional rates; nil means a PCG seeded from a hash of fs, so one
// scenario fires on the same requests, in the same order, every run.
func New(fs []scenario.Fault, rng Source) *Set {
	s := &Set{rules: make([]rule, len(fs)), rng: rng}
	for i, f := range fs {
		r := &s.rules[i]
		r.match = compile(f.Match)
		r.after = uint64(max(f.After, 0))
		r.rate = f.Rate
		if !(r.rate > 0 && r.rate <= 1) {
			r.rate = 1
		}
		r.fault = Fault{Index: i, Effect: f.Effect}
		if f.Effect == "slow" {
			r.fault.BytesPerSecond = f.BytesPerSecond
		}
	}
	if rng == nil {
		s.seeded = true
		s.seed = seedOf(fs)
		s.rng = rand.New(rand.NewPCG(s.seed[0], s.seed[1]))
	}
	return s
}

// Decide counts r against the first fault whose match applies and says
// whether that fault fires: not for the first After requests it owns,
// then with probability Rate. Later faults are never consulted for r
// (doc.go, Order).
func (s *Set) Decide(r Request) (Fault, bool) {
	if s == nil {
		return Fault{}, false
	}
	req := normalize(r)
	for i := range s.rules {
		ru := &s.rules[i]
		if !ru.match.matches(req) {
			continue
		}
		if ru.count.Add(1) <= ru.after {
			return Fault{}, false
		}
		return ru.fault, ru.rate >= 1 || s.draw() < ru.rate
	}
	return Fault{}, false
}

func (s *Set) draw() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64()
}

// Reset clears every counter, as POST /_ecrlink/reset asks, and rewinds
// the Set's own random source to its seed, so the run repeats; a Source
// given to New is left as it is.
func (s *Set) Reset() {
	if s == nil {
		return
	}
	for i := range s.rules {
		s.rules[i].count.Store(0)
	}
	if s.seeded {
		s.mu.Lock()
		s.rng = rand.New(rand.NewPCG(s.seed[0], s.seed[1]))
		s.mu.Unlock()
	}
}

// Counts returns how many requests each fault has owned since New or
// Reset, in the scenario's order: the fired and the let-through alike.
func (s *Set) Counts() []uint64 {
	if s == nil {
		return nil
	}
	out := make([]uint64, len(s.rules))
	for i := range s.rules {
		out[i] = s.rules[i].count.Load()
	}
	return out
}

// seedOf hashes every field of fs that changes what the faults do, so
// equal lists draw equal sequences and different ones (very likely) not.
func seedOf(fs []scenario.Fault) [2]uint64 {
	h := fnv.New64a()
	for _, f := range fs {
		for _, v := range []string{f.Match.Service, f.Match.Action, f.Match.Repository, f.Match.Host, f.Effect,
			strconv.Itoa(f.After), strconv.FormatFloat(f.Rate, 'g', -1, 64), strconv.Itoa(f.BytesPerSecond)} {
			_, _ = h.Write([]byte(v))
			_, _ = h.Write([]byte{0})
		}
	}
	a := h.Sum64()
	return [2]uint64{a, a ^ 0x9e3779b97f4a7c15}
}
