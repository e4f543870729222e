package emulator_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// allowed is DESIGN.md's packages table as an allow-list: for each package
// of the module, the module packages it may import. Dependencies point down
// the table and never up; a package not listed fails the test, so each new
// one is placed deliberately.
var allowed = map[string][]string{
	"policyeval":              {},
	"sigv4":                   {},
	"awsname":                 {},
	"reqinfo":                 {"awsname", "policyeval"},
	"registry/memdriver":      {},
	"registry/lifecycle":      {},
	"registry/longnames":      {},
	"registry/metastore":      {},
	"registry/keylock":        {},
	"registry/identity":       {"policyeval", "awsname"},
	"registry/distlog":        {},
	"registry/tokens":         {"registry/metastore"},
	"registry":                {"policyeval", "sigv4", "awsname", "reqinfo", "registry/memdriver", "registry/lifecycle", "registry/longnames", "registry/metastore", "registry/tokens", "registry/keylock", "registry/identity", "registry/distlog"},
	"s3shim":                  {"policyeval", "sigv4", "awsname", "reqinfo"},
	"cwlogs":                  {"policyeval", "awsname", "reqinfo"},
	"emulator/scenario":       {"policyeval", "awsname", "reqinfo"},
	"emulator/netmodel":       {"policyeval", "awsname", "reqinfo", "emulator/scenario", "emulator/faults"}, // explain walks the faults as the live server fires them
	"emulator/journal":        {},
	"emulator/ca":             {"awsname"},
	"emulator/faults":         {"emulator/scenario"},
	"emulator/dnsserver":      {},
	"emulator/proxy":          {"awsname"},
	"emulator/blackhole":      {}, // beside DESIGN.md's network packages: the address of "no route"
	"emulator":                {"policyeval", "sigv4", "awsname", "reqinfo", "registry", "s3shim", "cwlogs", "emulator/scenario", "emulator/netmodel", "emulator/journal", "emulator/faults", "emulator/ca", "emulator/dnsserver", "emulator/proxy", "emulator/blackhole"},
	"emulator/ecrlinktest":    {"emulator", "internal/ecrtest"},
	"cmd/ecrlink":             {"emulator"},
	"e2e/dockerd":             {"emulator", "internal/ecrtest", "internal/catalogue"}, // test files only: the real Docker daemon against emulator.Start
	"e2e/compose":             {"internal/ecrtest"},                                   // test files only: docker-compose.yml end to end
	"examples/compose/client": {},                                                     // docker-compose.yml's example client, which drives crane
	"internal/ecrtest":        {},                                                     // the tests' shared helpers
	"internal/catalogue":      {"emulator"},                                           // the tests' reader of the failure catalogue
}

// stdlibOnly packages may import nothing outside the standard library;
// pure packages, in addition, nothing that reaches the network or files.
var (
	stdlibOnly = []string{"policyeval", "sigv4", "awsname"}
	pure       = []string{"policyeval", "emulator/scenario", "emulator/netmodel", "emulator/faults", "registry/lifecycle", "registry/identity"}
	impure     = []string{"net", "net/http", "os", "os/exec", "io/fs", "syscall"}
)

func TestLayering(t *testing.T) {
	t.Parallel()
	const mod = "github.com/ecrlink/ecrlink/"
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Standard", "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, mod)
		may, ok := allowed[name]
		if !ok {
			t.Errorf("package %s is not in DESIGN.md's table (add it to allowed)", name)
			continue
		}
		seen++
		for _, imp := range p.Imports {
			dep, inModule := strings.CutPrefix(imp, mod)
			switch {
			case inModule && !slices.Contains(may, dep):
				t.Errorf("%s imports %s, which DESIGN.md does not allow", name, dep)
			case !inModule && slices.Contains(stdlibOnly, name) && strings.Contains(strings.Split(imp, "/")[0], "."):
				t.Errorf("%s imports %s: it must use the standard library only", name, imp)
			case !inModule && slices.Contains(pure, name) && slices.Contains(impure, imp):
				t.Errorf("%s imports %s: it must stay pure (no network, no files)", name, imp)
			}
		}
	}
	if seen < 8 {
		t.Fatalf("only %d packages listed; is go list looking at the module?", seen)
	}
}

// TestNoPackageHoldsTooMuch: no directory holds more than 40% of the
// module's non-test Go lines, so that no package becomes the place where
// everything lives.
func TestNoPackageHoldsTooMuch(t *testing.T) {
	t.Parallel()
	lines := map[string]int{}
	total := 0
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n := strings.Count(string(b), "\n")
		lines[filepath.Dir(path)] += n
		total += n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir, n := range lines {
		if n*100 > total*40 {
			t.Errorf("%s holds %d of %d non-test lines (%.1f%%), more than 40%%", dir, n, total, 100*float64(n)/float64(total))
		}
	}
}
