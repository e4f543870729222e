package scenario

import (
	_ "embed"
	"slices"
)

//go:embed schema.json
var schema []byte

// Schema returns the JSON Schema (draft 2020-12) of the scenario contract,
// for editors and for users who check files before ecrlink sees them. It
// checks shapes; Parse checks more (references, containment, policies).
func Schema() []byte { return slices.Clone(schema) }
