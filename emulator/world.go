package emulator

import (
	"net/http"
	"net/netip"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/faults"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/netmodel"
	"github.com/ecrlink/ecrlink/emulator/scenario"
	"github.com/ecrlink/ecrlink/registry"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// world is what requests are decided in: the plain world without a
// scenario, or a scenario's. A world never changes; a new scenario is a
// new world, swapped in whole, so a request keeps the one it started with.
type world struct {
	sc     *scenario.Scenario // nil: the plain world
	model  *netmodel.Model
	hold   time.Duration
	faults *faults.Set // the scenario's injections; nil never fires
	// byRepository says a fault matches on a repository, which an API
	// call names in its body (fire.go).
	byRepository bool
	// settings are the world's identities and token lifetime, stamped on
	// each request for registry.
	settings *registry.Settings
}

// plainWorld is the world without a scenario, with the configured
// identities.
func plainWorld(home awsname.Registry, ids []registry.Identity) (*world, error) {
	st, err := registry.NewSettings(ids, false, 0)
	if err != nil {
		return nil, err
	}
	return &world{model: netmodel.Plain(home), settings: st}, nil
}

// scenarioWorld compiles sc.
func scenarioWorld(sc *scenario.Scenario) (*world, error) {
	m, err := netmodel.New(sc)
	if err != nil {
		return nil, err
	}
	st, err := settingsOf(sc)
	if err != nil {
		return nil, err
	}
	w := &world{sc: sc, model: m, hold: time.Duration(sc.Hold), settings: st}
	if len(sc.Faults) > 0 { // no set, no fault lookup on every request
		w.faults = faults.New(sc.Faults, nil)
	}
	for _, f := range sc.Faults {
		w.byRepository = w.byRepository || f.Match.Repository != ""
	}
	return w, nil
}

// hop is what the world decides for a request with facts info.
func (w *world) hop(info *reqinfo.Info, r *http.Request) netmodel.Hop {
	hop := netmodel.Hop{Host: w.host(info), Step: info.Class.Step, Action: info.Class.Action}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		hop.Source = ap.Addr().Unmap()
	}
	return hop
}

// host is the AWS name a request is decided for (netmodel.Model.HostOf).
func (w *world) host(info *reqinfo.Info) awsname.Host {
	return w.model.HostOf(info.Host, info.Class.Service, info.Class.BucketRegion)
}

// route is the journal's account of a decision's route.
func route(d netmodel.Decision) journal.Route {
	reason := d.Resolution
	if d.Reason != "" {
		reason += "; " + d.Reason
	}
	return journal.Route{Via: d.Via, Endpoint: d.Endpoint, Reason: reason}
}
