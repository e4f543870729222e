// Package scenario owns the scenario contract (DESIGN.md, "The scenario
// (contract)"): the types a scenario file decodes into, parsing of YAML and
// JSON with each finding named by field path and line, validation, the
// defaults, and the JSON Schema that ships with ecrlink.
//
// Parse is the only way in: it bounds the input (MaxSize), decodes it with
// unknown fields refused, fills every default in one step (defaults.go),
// validates every field — policies with policyeval, for the kind their
// place implies — and returns a Scenario in one canonical form, so that
// Parse(s.JSON()) equals s. Every failure is an Errors value whose JSON is
// the control API's {"errors":[{"path","line","message"}]}.
//
// The package is pure: no I/O, no network. It imports the standard
// library, github.com/goccy/go-yaml, and ecrlink's policyeval and awsname
// (deps_test.go). The decisions built on a scenario live in
// emulator/netmodel; applying it (creating repositories, starting
// listeners) lives in emulator.
package scenario
