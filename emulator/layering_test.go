package emulator_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering holds DESIGN.md's import rules: dependencies point down
// (cmd → emulator → registry, s3shim → policyeval), never up, and registry
// and s3shim know nothing of each other.
func TestLayering(t *testing.T) {
	t.Parallel()
	const mod = "github.com/ecrlink/ecrlink/"
	forbidden := map[string][]string{
		"registry":   {"emulator", "cmd", "s3shim"},
		"s3shim":     {"emulator", "cmd", "registry"},
		"policyeval": {"emulator", "cmd", "registry", "s3shim"},
		"emulator":   {"cmd"},
	}
	for pkg, banned := range forbidden {
		t.Run(pkg, func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "../"+pkg+"/...").Output()
			if err != nil {
				t.Fatalf("go list %s: %v", pkg, err)
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, b := range banned {
					if dep == mod+b || strings.HasPrefix(dep, mod+b+"/") {
						t.Errorf("%s depends on %s", pkg, dep)
					}
				}
			}
		})
	}
}
