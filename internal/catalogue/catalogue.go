// Package catalogue reads the failure catalogue's files
// (examples/scenarios) for the tests that replay them: each file's header,
// which says what the file reproduces and where it must fail, and explain's
// account of it, which says why and what fixes it.
package catalogue

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/ecrlink/ecrlink/emulator"
)

// Steps are the steps a journal record names, the only ones an expect line
// may name.
var Steps = []string{"auth", "api", "manifest", "blob", "layer", "upload", "logs"}

// Header is a catalogue file's leading comment lines.
type Header struct {
	Symptom, Image string
	Reproduce      []string
	// Step is where the action must fail; empty: it must pass.
	Step   string
	Action string // pull (default), push, auth or logs
	// Seed is false when the image the header names must not be pushed
	// first: the file is about its absence.
	Seed bool
}

// ParseHeader reads the "# key: value" lines a catalogue file starts
// with; the header ends at the first line that is not one of them.
func ParseHeader(data []byte) (Header, error) {
	h := Header{Action: "pull", Seed: true}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, value, ok := headerLine(sc.Text())
		if !ok {
			break
		}
		if seen[key] && key != "reproduce" {
			return Header{}, fmt.Errorf("header: %q given twice", key)
		}
		seen[key] = true
		if err := h.set(key, value); err != nil {
			return Header{}, fmt.Errorf("header: %w", err)
		}
	}
	for _, key := range []string{"symptom", "image", "reproduce", "expect"} {
		if !seen[key] {
			return Header{}, fmt.Errorf("header: no %q line", key)
		}
	}
	return h, nil
}

// headerLine splits "# key: value" for the keys a header knows.
func headerLine(line string) (key, value string, ok bool) {
	rest, ok := strings.CutPrefix(line, "# ")
	if !ok {
		return "", "", false
	}
	key, value, ok = strings.Cut(rest, ":")
	if !ok || !slices.Contains([]string{"symptom", "image", "reproduce", "expect", "action", "seed"}, key) {
		return "", "", false
	}
	return key, strings.TrimSpace(value), true
}

func (h *Header) set(key, value string) error {
	if value == "" {
		return fmt.Errorf("%q is empty", key)
	}
	switch key {
	case "symptom":
		h.Symptom = value
	case "image":
		if _, err := name.ParseReference(value, name.StrictValidation); err != nil {
			return fmt.Errorf("image %q: %w", value, err)
		}
		h.Image = value
	case "reproduce":
		h.Reproduce = append(h.Reproduce, value)
	case "expect":
		step, isFail := strings.CutPrefix(value, "fail at ")
		switch {
		case value == "pass":
		case isFail && slices.Contains(Steps, step):
			h.Step = step
		default:
			return fmt.Errorf(`expect %q: want "pass" or "fail at STEP" with STEP one of %v`, value, Steps)
		}
	case "action":
		if !slices.Contains([]string{"pull", "push", "auth", "logs"}, value) {
			return fmt.Errorf("action %q: want pull, push, auth or logs", value)
		}
		h.Action = value
	case "seed":
		if value != "no" {
			return fmt.Errorf(`seed %q: the only value is "no"`, value)
		}
		h.Seed = false
	}
	return nil
}

// Explained is explain's JSON as a user reads it.
type Explained struct {
	Verdict    string          `json:"verdict"`
	FailedStep *string         `json:"failedStep"`
	Error      *string         `json:"error"`
	Fix        *string         `json:"fix"`
	FixPatch   json.RawMessage `json:"fixPatch"`
	Assumed    []string        `json:"assumed"`
	Hops       []struct {
		Step    string `json:"step"`
		Service string `json:"service"`
		Host    string `json:"host"`
		Outcome string `json:"outcome"`
	} `json:"hops"`
}

// Explain runs explain on doc for the header's image and action, the
// client (and awslogs) as the scenario says, and reads its JSON back.
func Explain(doc []byte, h Header) (Explained, error) {
	e, err := emulator.Explain(doc, emulator.ExplainOptions{Image: h.Image, Push: h.Action == "push"})
	if err != nil {
		return Explained{}, fmt.Errorf("explain: %w", err)
	}
	var buf bytes.Buffer
	if err := e.WriteJSON(&buf); err != nil {
		return Explained{}, err
	}
	var out Explained
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		return Explained{}, errors.Join(fmt.Errorf("explain's JSON: %w", err), errors.New(buf.String()))
	}
	return out, nil
}
