package emulator_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sharedHTTP are net/http's process-wide client and transport, and the
// functions that send through them. A test using them shares connections
// with every other test in the binary (and a proxy from the environment),
// so one test's idle connections can hold up another's server shutdown.
var sharedHTTP = []string{"DefaultClient", "DefaultTransport", "Get", "Head", "Post", "PostForm"}

// TestNoSharedHTTPClientInTests: no test, and no test helper, reaches
// net/http's DefaultClient or DefaultTransport, directly, through
// http.Get and its kin, or through an http.Client with no Transport.
// Production code is not checked: it may honour the environment's proxy.
func TestNoSharedHTTPClientInTests(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		found, isTest, err := sharedHTTPUses(rel, src)
		if err != nil {
			return err
		}
		if isTest {
			checked++
		}
		for _, f := range found {
			t.Errorf("%s: use a client of the test's own (ecrtest.Client, ecrtest.NewTransport, Instance.Client)", f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d test files checked under %s; is the walk looking at the module?", checked, root)
	}
}

// TestSharedHTTPUses proves the checker sees what it is meant to see, so
// that TestNoSharedHTTPClientInTests passing means something.
func TestSharedHTTPUses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string
		src    string
		want   []string // positions and names found
		isTest bool
	}{
		{
			name: "every shared use in a test file", file: "x_test.go", isTest: true,
			src: `package x
import "net/http"
func f() {
	http.DefaultClient.Do(nil)
	_ = http.DefaultTransport
	http.Get("u")
	http.Head("u")
	http.Post("u", "", nil)
	http.PostForm("u", nil)
	_ = &http.Client{CheckRedirect: nil}
	_ = new(http.Client)
}`,
			want: []string{"x_test.go:4:2: http.DefaultClient", "x_test.go:5:6: http.DefaultTransport",
				"x_test.go:6:2: http.Get", "x_test.go:7:2: http.Head", "x_test.go:8:2: http.Post",
				"x_test.go:9:2: http.PostForm", "x_test.go:10:7: http.Client without a Transport",
				"x_test.go:11:6: new(http.Client)"},
		},
		{
			name: "a renamed import in a helper that imports testing", file: "helper.go", isTest: true,
			src: `package x
import (
	"testing"
	nethttp "net/http"
)
func f(*testing.T) { nethttp.Get("u") }`,
			want: []string{"helper.go:6:22: nethttp.Get"},
		},
		{
			name: "own clients, and methods of the same names", file: "y_test.go", isTest: true,
			src: `package x
import "net/http"
func f(c *http.Client, h http.Header) {
	c.Get("u")
	h.Get("k")
	_ = &http.Client{Transport: &http.Transport{}}
	_ = http.MethodGet
}`,
		},
		{
			name: "a local variable named http", file: "z_test.go", isTest: true,
			src: `package x
import "net/http"
var _ = http.MethodGet
func f() {
	var http struct{ Get func() }
	http.Get()
}`,
		},
		{
			name: "production code is not checked", file: "prod.go",
			src: `package x
import "net/http"
var c = http.DefaultClient`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, isTest, err := sharedHTTPUses(tc.file, []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if isTest != tc.isTest || !slices.Equal(got, tc.want) {
				t.Errorf("got %q (test code %v)\nwant %q (test code %v)", got, isTest, tc.want, tc.isTest)
			}
		})
	}
}

// sharedHTTPUses parses one Go file and, if it is test code (a _test.go
// file, or a helper that imports testing), returns where it reaches
// net/http's shared client or transport. A parser, not a grep: comments,
// strings (this file's own list) and methods such as Header.Get are not uses.
func sharedHTTPUses(name string, src []byte) (found []string, isTest bool, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
	if err != nil {
		return nil, false, fmt.Errorf("parse %s: %w", name, err)
	}
	isTest = strings.HasSuffix(name, "_test.go") || importName(f, "testing") != ""
	httpName := importName(f, "net/http")
	if !isTest || httpName == "" {
		return nil, isTest, nil
	}
	f, err = parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, true, fmt.Errorf("parse %s: %w", name, err)
	}
	// isHTTP reports whether e names net/http's sel, and not a local
	// variable that happens to share the import's name.
	isHTTP := func(e ast.Expr, sel string) bool {
		s, ok := e.(*ast.SelectorExpr)
		if !ok || s.Sel.Name != sel {
			return false
		}
		id, ok := s.X.(*ast.Ident)
		return ok && id.Name == httpName && id.Obj == nil
	}
	report := func(n ast.Node, what string) {
		found = append(found, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), what))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			for _, sel := range sharedHTTP {
				if isHTTP(n, sel) {
					report(n, httpName+"."+sel)
				}
			}
		case *ast.CompositeLit:
			if isHTTP(n.Type, "Client") && !hasKey(n, "Transport") {
				report(n, httpName+".Client without a Transport")
			}
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "new" && len(n.Args) == 1 && isHTTP(n.Args[0], "Client") {
				report(n, "new("+httpName+".Client)")
			}
		}
		return true
	})
	return found, true, nil
}

// importName is the name f refers to the package path by, or "" if f does
// not import it (or imports it as _ or .).
func importName(f *ast.File, path string) string {
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil || p != path {
			continue
		}
		if imp.Name == nil {
			return path[strings.LastIndex(path, "/")+1:]
		}
		if imp.Name.Name == "_" || imp.Name.Name == "." {
			return ""
		}
		return imp.Name.Name
	}
	return ""
}

// hasKey reports whether the struct literal sets field key.
func hasKey(lit *ast.CompositeLit, key string) bool {
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == key {
				return true
			}
		}
	}
	return false
}

// moduleRoot is the nearest directory above the working directory that
// holds go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}
