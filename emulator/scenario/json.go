package scenario

import (
	"bytes"
	"encoding/json"
)

// JSON returns the scenario as indented JSON, every default written out:
// what GET /_ecrlink/scenario answers. Parse of the result gives back an
// equal Scenario.
func (s *Scenario) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // policies hold "&" and "<" as written
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
