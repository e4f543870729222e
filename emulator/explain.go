package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/netmodel"
	"github.com/ecrlink/ecrlink/emulator/scenario"
)

// ExplainOptions is what `ecrlink explain` is asked: the image, pull or
// push, and overrides of the scenario's client.
type ExplainOptions struct {
	Image string // the image URI; required
	Push  bool
	// Client, PlatformVersion: empty keeps the scenario's client.
	Client          string
	PlatformVersion string
	// AWSLogs turns the awslogs hop on; false keeps the scenario's.
	AWSLogs bool
}

// ClientKinds are the client kinds explain knows.
var clientKinds = []string{"fargate", "ecs-ec2", "eks", "docker"}

// Explanation is explain's answer, in DESIGN.md's JSON shape (verdict,
// failedStep, error, fix, hops) with additions: fixPatch (RFC 6902 of the
// scenario as JSON), platformError (the client kind's text, its catalogue
// ID, and whether it is inferred), client and assumed.
type Explanation struct {
	Verdict       string                 `json:"verdict"`
	FailedStep    *string                `json:"failedStep"`
	Error         *string                `json:"error"`
	Fix           *string                `json:"fix"`
	Hops          []ExplainHop           `json:"hops"`
	FixPatch      []netmodel.PatchOp     `json:"fixPatch"`
	PlatformError *netmodel.PlatformText `json:"platformError"`
	Client        ExplainClient          `json:"client"`
	Assumed       []string               `json:"assumed"`
	// fixPasses is false when the fix found covers only some failures.
	fixPasses bool
	image     string
	push      bool
}

// ExplainClient is who the walk was made for.
type ExplainClient struct {
	Kind            string `json:"kind"`
	PlatformVersion string `json:"platformVersion,omitempty"`
	IP              string `json:"ip"`
	AWSLogs         bool   `json:"awslogs"`
}

// ExplainHop is one hop, with the journal's names and texts.
type ExplainHop struct {
	Step       string                 `json:"step"`
	Service    string                 `json:"service"`
	Host       string                 `json:"host"`
	Actions    []string               `json:"actions"`
	Resolution string                 `json:"resolution"`
	Route      ExplainRoute           `json:"route"`
	Policies   []netmodel.PolicyTrace `json:"policies"`
	Outcome    string                 `json:"outcome"`
	Error      *string                `json:"error"`
}

// ExplainRoute is the journal's route: via, endpoint, reason.
type ExplainRoute struct {
	Via      string `json:"via"`
	Endpoint string `json:"endpoint,omitempty"`
	Reason   string `json:"reason"`
}

// Passed reports whether the pull (or push) would succeed.
func (e *Explanation) Passed() bool { return e.Verdict == "pass" }

// Explain walks a pull (or push) of opts.Image in the scenario doc (YAML
// or JSON) with the live server's decision code and finds the smallest fix.
// Bad input (a scenario that does not parse, an image URI, an unknown
// client kind) is an *InputError naming what is wrong.
func Explain(doc []byte, opts ExplainOptions) (*Explanation, error) {
	sc, err := scenario.Parse(doc)
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("scenario: %w", err)}
	}
	img, err := awsname.ParseImage(opts.Image)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	w := netmodel.Walk{Image: img, Push: opts.Push, Kind: opts.Client, PlatformVersion: opts.PlatformVersion}
	if err := checkClient(opts, sc); err != nil {
		return nil, err
	}
	if opts.AWSLogs {
		w.AWSLogs = &opts.AWSLogs
	}
	m, err := netmodel.New(sc)
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("scenario: %w", err)}
	}
	tr, err := m.Walk(w)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	e := explanation(tr)
	e.image, e.push = img.String(), opts.Push
	if tr.Passed() {
		return e, nil
	}
	canonical, err := sc.JSON()
	if err != nil {
		return nil, fmt.Errorf("explain: scenario as JSON: %w", err)
	}
	fix, err := netmodel.FindFix(canonical, w)
	if err != nil {
		return nil, fmt.Errorf("explain: fix: %w", err)
	}
	words := fix.String()
	e.Fix, e.FixPatch, e.fixPasses = &words, fix.Patch, fix.Passes
	return e, nil
}

func checkClient(opts ExplainOptions, sc *scenario.Scenario) error {
	if opts.Client != "" && !slices.Contains(clientKinds, opts.Client) {
		return &InputError{Err: fmt.Errorf("unknown client kind %q: want one of %s", opts.Client, strings.Join(clientKinds, ", "))}
	}
	kind := opts.Client
	if kind == "" {
		kind = sc.Client.Kind
	}
	if opts.PlatformVersion != "" && kind != "fargate" {
		return &InputError{Err: fmt.Errorf("--platform-version %s is for the fargate client kind, not %s", opts.PlatformVersion, kind)}
	}
	return nil
}

// explanation is a trace in explain's shape.
func explanation(tr *netmodel.Trace) *Explanation {
	e := &Explanation{Verdict: "pass", Hops: []ExplainHop{}, FixPatch: []netmodel.PatchOp{}, Assumed: tr.Assumed, fixPasses: true,
		Client: ExplainClient{Kind: tr.Client.Kind, PlatformVersion: tr.Client.PlatformVersion, IP: tr.Client.IP.String(), AWSLogs: tr.Client.AWSLogs}}
	if e.Assumed == nil {
		e.Assumed = []string{}
	}
	for _, h := range tr.Hops {
		eh := ExplainHop{Step: string(h.Step), Service: h.Host.Service(), Host: h.Host.String(), Actions: h.Actions,
			Resolution: h.Decision.Resolution, Route: ExplainRoute{Via: h.Decision.Via, Endpoint: h.Decision.Endpoint, Reason: h.Decision.Reason},
			Policies: h.Policies, Outcome: h.Outcome}
		if eh.Actions == nil {
			eh.Actions = []string{}
		}
		if eh.Policies == nil {
			eh.Policies = []netmodel.PolicyTrace{}
		}
		if h.Error != "" {
			eh.Error = &h.Error
		}
		e.Hops = append(e.Hops, eh)
	}
	if f := tr.FailedHop(); f != nil {
		step, text, pt := string(f.Step), f.Error, tr.Platform()
		e.Verdict, e.FailedStep, e.Error, e.PlatformError = "fail", &step, &text, &pt
	}
	return e
}

// WriteJSON writes e as indented JSON.
func (e *Explanation) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(e); err != nil {
		return fmt.Errorf("explain: write: %w", err)
	}
	return nil
}
