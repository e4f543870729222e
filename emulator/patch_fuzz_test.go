package emulator

import (
	"bytes"
	"testing"

	"github.com/ecrlink/ecrlink/emulator/scenario"
)

const fuzzBase = `{"account":"111122223333","region":"us-east-1","vpc":{"id":"vpc-0app","cidr":"10.0.0.0/16"},
"subnets":[{"id":"subnet-a","cidr":"10.0.1.0/24","routeTable":"rtb-a"}],
"endpoints":[{"id":"vpce-0dkr","service":"ecr.dkr"}],"client":{"subnet":"subnet-a","ip":"10.0.1.25"}}`

// FuzzPatchScenario drives the PATCH path: both patch forms over a valid
// scenario never panic, and whatever the result, a document Parse accepts
// writes back to itself.
func FuzzPatchScenario(f *testing.F) {
	f.Add(true, []byte(`[{"op":"remove","path":"/endpoints/0"}]`))
	f.Add(true, []byte(`[{"op":"add","path":"/vpc/dns","value":"custom-isolated"}]`))
	f.Add(true, []byte(`[{"op":"move","from":"/endpoints","path":"/subnets/0/x"}]`))
	f.Add(false, []byte(`{"hold":"5s","endpoints":null}`))
	f.Add(false, []byte(`{"client":{"ip":"10.0.1.300"}}`))
	f.Fuzz(func(t *testing.T, jsonPatch bool, patch []byte) {
		ct := "application/merge-patch+json"
		if jsonPatch {
			ct = "application/json-patch+json"
		}
		doc, err := applyPatch(ct, []byte(fuzzBase), patch)
		if err != nil {
			return
		}
		sc, err := scenario.Parse(doc)
		if err != nil {
			return
		}
		out, err := sc.JSON()
		if err != nil {
			t.Fatalf("JSON of a parsed scenario: %v", err)
		}
		again, err := scenario.Parse(out)
		if err != nil {
			t.Fatalf("a scenario's own JSON does not parse: %v\n%s", err, out)
		}
		out2, _ := again.JSON()
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the scenario:\n%s\n%s", out, out2)
		}
	})
}
