package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// manifestShape is what checkManifest reads of a manifest.
type manifestShape struct {
	SchemaVersion int `json:"schemaVersion"`
	Layers        []struct {
		URLs []string `json:"urls"`
	} `json:"layers"`
}

// checkManifest refuses, on both wires and before anything is stored, what
// distribution finds wrong with a manifest only once it stores it, and then
// answers with a 500: a body that is not an object, a schemaVersion other
// than 2 (distribution v3 reads no other, and ECR's types all say 2), and a
// layer URL that is not http or https (distribution's rule for foreign
// layers, ocimanifesthandler.go). The reasons are distribution's words.
func checkManifest(raw []byte) error {
	var m *manifestShape
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return errors.New("manifest is not a JSON object")
	}
	if m.SchemaVersion != 2 {
		return fmt.Errorf("unrecognized manifest schema version %d", m.SchemaVersion)
	}
	for _, l := range m.Layers {
		for _, u := range l.URLs {
			pu, err := url.Parse(u)
			if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Fragment != "" {
				return errors.New("invalid URL on layer")
			}
		}
	}
	return nil
}
