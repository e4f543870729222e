package faults

import (
	"slices"
	"sync"
	"testing"

	"github.com/ecrlink/ecrlink/emulator/scenario"
)

// seq is a Source that replays its values in turn, then repeats the last.
type seq struct {
	vals []float64
	i    int
}

func (s *seq) Float64() float64 {
	v := s.vals[min(s.i, len(s.vals)-1)]
	s.i++
	return v
}

var (
	auth = Request{Service: "ecr.api", Action: "ecr:GetAuthorizationToken", Host: "api.ecr.us-east-1.amazonaws.com"}
	pull = Request{Service: "ecr.dkr", Action: "ecr:BatchGetImage", Repository: "app", Host: "111122223333.dkr.ecr.us-east-1.amazonaws.com"}
)

// decide runs reqs through s and returns the effect of each ("" = passed).
func decide(s *Set, reqs ...Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		if f, ok := s.Decide(r); ok {
			out[i] = f.Effect
		}
	}
	return out
}

func repeat(r Request, n int) []Request { return slices.Repeat([]Request{r}, n) }

func TestDecide(t *testing.T) {
	t.Parallel()
	throttleAuth := scenario.Fault{Match: scenario.FaultMatch{Action: "ecr:GetAuthorizationToken"}, Effect: "throttle", Rate: 1}
	tests := []struct {
		name   string
		faults []scenario.Fault
		rng    []float64
		reqs   []Request
		want   []string
		counts []uint64
		// noDraw: the Set must draw nothing; otherwise it draws all of rng.
		noDraw bool
	}{
		{
			name: "no faults",
			reqs: []Request{auth, pull},
			want: []string{"", ""},
		},
		{
			name:   "fires on every match",
			faults: []scenario.Fault{throttleAuth},
			reqs:   []Request{auth, pull, auth},
			want:   []string{"throttle", "", "throttle"},
			counts: []uint64{2},
		},
		{
			name:   "after lets the first ones through",
			faults: []scenario.Fault{{Effect: "http-500", After: 3, Rate: 1}},
			reqs:   repeat(auth, 5),
			want:   []string{"", "", "", "http-500", "http-500"},
			counts: []uint64{5},
		},
		{
			name:   "after counts matching requests only",
			faults: []scenario.Fault{{Match: scenario.FaultMatch{Service: "ecr.dkr"}, Effect: "reset", After: 1, Rate: 1}},
			reqs:   []Request{auth, pull, auth, pull},
			want:   []string{"", "", "", "reset"},
			counts: []uint64{2},
		},
		{
			name:   "rate fires below the draw",
			faults: []scenario.Fault{{Effect: "timeout", Rate: 0.5}},
			rng:    []float64{0.1, 0.5, 0.9, 0.49999},
			reqs:   repeat(pull, 4),
			want:   []string{"timeout", "", "", "timeout"},
		},
		{
			name:   "after then rate; no draw while letting through",
			faults: []scenario.Fault{{Effect: "refuse", After: 2, Rate: 0.25}},
			rng:    []float64{0.2, 0.3, 0.0},
			reqs:   repeat(pull, 5),
			want:   []string{"", "", "refuse", "", "refuse"},
		},
		{
			name:   "zero rate means the default, 1",
			faults: []scenario.Fault{{Effect: "nxdomain"}},
			rng:    []float64{0.99},
			reqs:   repeat(pull, 2),
			want:   []string{"nxdomain", "nxdomain"},
			noDraw: true, // rate 1 fires without drawing
		},
		{
			name: "first match owns the request, even while letting it through",
			faults: []scenario.Fault{
				{Match: scenario.FaultMatch{Service: "ecr.api"}, Effect: "throttle", After: 2, Rate: 1},
				{Effect: "timeout", Rate: 1},
			},
			reqs:   []Request{auth, auth, pull, auth},
			want:   []string{"", "", "timeout", "throttle"},
			counts: []uint64{3, 1},
		},
		{
			name: "first match owns the request, even when its rate does not fire",
			faults: []scenario.Fault{
				{Match: scenario.FaultMatch{Repository: "app"}, Effect: "slow", Rate: 0.5, BytesPerSecond: 10},
				{Effect: "http-500", Rate: 1},
			},
			rng:    []float64{0.7, 0.2},
			reqs:   []Request{pull, pull, auth},
			want:   []string{"", "slow", "http-500"},
			counts: []uint64{2, 1},
		},
		{
			name: "a later fault sees only what earlier ones did not match",
			faults: []scenario.Fault{
				{Match: scenario.FaultMatch{Host: "*.dkr.ecr.*.amazonaws.com"}, Effect: "reset", After: 100, Rate: 1},
				{Match: scenario.FaultMatch{Service: "ecr.dkr"}, Effect: "throttle", Rate: 1},
			},
			reqs:   []Request{pull, {Service: "ecr.dkr", Host: "127.0.0.1:5000"}},
			want:   []string{"", "throttle"},
			counts: []uint64{1, 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var rng Source = &seq{vals: []float64{0}}
			if tc.rng != nil {
				rng = &seq{vals: tc.rng}
			}
			s := New(tc.faults, rng)
			if got := decide(s, tc.reqs...); !slices.Equal(got, tc.want) {
				t.Errorf("effects = %q, want %q", got, tc.want)
			}
			if tc.counts != nil && !slices.Equal(s.Counts(), tc.counts) {
				t.Errorf("counts = %v, want %v", s.Counts(), tc.counts)
			}
			draws := len(tc.rng)
			if tc.noDraw {
				draws = 0
			}
			if r := rng.(*seq); tc.rng != nil && r.i != draws {
				t.Errorf("drew %d numbers, want %d", r.i, draws)
			}
		})
	}
}

func TestDecideReturnsTheFault(t *testing.T) {
	t.Parallel()
	s := New([]scenario.Fault{
		{Match: scenario.FaultMatch{Service: "s3"}, Effect: "throttle", Rate: 1},
		{Match: scenario.FaultMatch{Service: "ecr.dkr"}, Effect: "slow", Rate: 1, BytesPerSecond: 65536},
	}, nil)
	f, ok := s.Decide(pull)
	if want := (Fault{Index: 1, Effect: "slow", BytesPerSecond: 65536}); !ok || f != want {
		t.Errorf("Decide = %+v, %v; want %+v, true", f, ok, want)
	}
	f, ok = s.Decide(Request{Service: "s3", Action: "s3:GetObject"})
	if want := (Fault{Index: 0, Effect: "throttle"}); !ok || f != want {
		t.Errorf("Decide = %+v, %v; want %+v, true", f, ok, want)
	}
}

func TestNilSet(t *testing.T) {
	t.Parallel()
	var s *Set
	if _, ok := s.Decide(pull); ok {
		t.Error("a nil Set fired")
	}
	s.Reset()
	if s.Counts() != nil {
		t.Error("a nil Set counted")
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	s := New([]scenario.Fault{{Effect: "throttle", After: 2, Rate: 1}}, nil)
	want := []string{"", "", "throttle"}
	if got := decide(s, repeat(auth, 3)...); !slices.Equal(got, want) {
		t.Fatalf("before Reset: %q, want %q", got, want)
	}
	s.Reset()
	if c := s.Counts(); c[0] != 0 {
		t.Fatalf("Reset left count %d", c[0])
	}
	if got := decide(s, repeat(auth, 3)...); !slices.Equal(got, want) {
		t.Errorf("after Reset: %q, want %q", got, want)
	}
}

// TestDefaultSource: nil means a PCG seeded by the faults, so a run
// repeats exactly, after Reset and in a second Set alike, and it fires
// at about the rate.
func TestDefaultSource(t *testing.T) {
	t.Parallel()
	fs := []scenario.Fault{{Effect: "timeout", Rate: 0.3}}
	const n = 10000
	a := New(fs, nil)
	first := decide(a, repeat(pull, n)...)
	a.Reset()
	again := decide(a, repeat(pull, n)...)
	other := decide(New(fs, nil), repeat(pull, n)...)
	if !slices.Equal(first, again) || !slices.Equal(first, other) {
		t.Error("the default source does not repeat its run")
	}
	fired := 0
	for _, e := range first {
		if e == "timeout" {
			fired++
		}
	}
	if fired < n*27/100 || fired > n*33/100 {
		t.Errorf("fired %d of %d at rate 0.3", fired, n)
	}
}

// TestConcurrent: many goroutines, exact counts (run with -race).
func TestConcurrent(t *testing.T) {
	t.Parallel()
	const (
		workers = 32
		each    = 500
		after   = 1000
	)
	s := New([]scenario.Fault{
		{Match: scenario.FaultMatch{Service: "ecr.api"}, Effect: "throttle", After: after, Rate: 1},
		{Match: scenario.FaultMatch{Service: "ecr.dkr"}, Effect: "http-500", Rate: 0.5},
	}, nil)
	var mu sync.Mutex
	fired := map[string]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			local := map[string]int{}
			for i := range each {
				r := auth
				if (w+i)%2 == 0 {
					r = pull
				}
				if f, ok := s.Decide(r); ok {
					local[f.Effect]++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for k, v := range local {
				fired[k] += v
			}
		})
	}
	wg.Wait()
	half := uint64(workers * each / 2)
	if c := s.Counts(); c[0] != half || c[1] != half {
		t.Errorf("counts = %v, want [%d %d]", c, half, half)
	}
	if got, want := fired["throttle"], int(half)-after; got != want {
		t.Errorf("throttled %d, want exactly %d", got, want)
	}
	if got := fired["http-500"]; got < int(half)*4/10 || got > int(half)*6/10 {
		t.Errorf("http-500 fired %d of %d at rate 0.5", got, half)
	}
	s.Reset()
	if c := s.Counts(); c[0] != 0 || c[1] != 0 {
		t.Errorf("after Reset counts = %v", c)
	}
}

// TestFromScenario: the faults of a parsed scenario, defaults filled.
func TestFromScenario(t *testing.T) {
	t.Parallel()
	sc, err := scenario.Parse([]byte(`
account: "111122223333"
region: us-east-1
vpc: { id: vpc-0example, cidr: 10.0.0.0/16 }
subnets: [ { id: subnet-a, cidr: 10.0.1.0/24, routeTable: rtb-a } ]
client: { subnet: subnet-a, ip: 10.0.1.25 }
faults:
  - match: { service: ecr.api, action: "ecr:GetAuthorizationToken" }
    effect: throttle
    after: 1
  - match: { host: "*.dkr.ecr.us-east-1.amazonaws.com" }
    effect: slow
    bytesPerSecond: 100
`))
	if err != nil {
		t.Fatal(err)
	}
	s := New(sc.Faults, nil)
	got := decide(s, auth, auth, pull)
	if want := []string{"", "throttle", "slow"}; !slices.Equal(got, want) {
		t.Errorf("effects = %q, want %q", got, want)
	}
}
