// Package faults owns the scenario's explicit injections (DESIGN.md, the
// scenario's faults: list): compiling them, matching a request against
// them in order, counting, firing at the configured rate, and what each
// fired effect looks like on each wire, so the emulator only writes it.
//
// The package is pure: no I/O, no network, no clock, no sleeping. It
// imports the standard library and emulator/scenario only
// (emulator/layering_test.go). Randomness comes in through Source, the
// pace of a slow body is computed by Pace and slept by the caller.
//
// # Order
//
// Faults are tried in the order the scenario lists them, and the first
// whose match applies owns the request: its counter counts it, and no
// later fault is consulted, whether or not the owner fires. So
//
//	faults:
//	  - { match: { action: ecr:GetAuthorizationToken }, effect: throttle, after: 3 }
//	  - { effect: timeout }
//
// lets the first three GetAuthorizationToken calls through and throttles
// the rest, and times out every other request; it never times out a
// GetAuthorizationToken call. Put narrow matches first.
//
// # Use
//
//	set := faults.New(sc.Faults, nil) // once per scenario; set.Reset() on POST /_ecrlink/reset
//	f, ok := set.Decide(faults.Request{Service: "ecr.dkr", Action: "ecr:BatchGetImage", Repository: "app", Host: r.Host})
//	if ok {
//		// f.Effect: throttle → write faults.Throttle(service); http-500 → faults.InternalError(service);
//		// slow → write in Pace{f.BytesPerSecond}.Chunk() pieces, sleeping Delay before each;
//		// timeout, refuse, nxdomain, reset → the network outcome. The journal's error text is
//		// faults.ClientText(f.Effect, req).
//	}
//
// README.md has the matching rules and the table of answers.
package faults
