package scenario

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatalf("schema.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // ipv4 / ipv6 are assertions here, as Parse checks them
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("compile schema.json: %v", err)
	}
	return sch
}

// schemaValidate converts a YAML document to JSON and validates it.
func schemaValidate(t *testing.T, sch *jsonschema.Schema, doc []byte) error {
	t.Helper()
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		t.Fatalf("YAMLToJSON: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatalf("UnmarshalJSON: %v\n%s", err, js)
	}
	return sch.Validate(inst)
}

// TestSchemaAcceptsExamples: every example, as written and as Parse writes
// it back, is valid under the schema.
func TestSchemaAcceptsExamples(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	for name, doc := range examples(t) {
		t.Run(name, func(t *testing.T) {
			if err := schemaValidate(t, sch, doc); err != nil {
				t.Fatalf("as written: %v", err)
			}
			out, err := mustParse(t, string(doc)).JSON()
			if err != nil {
				t.Fatal(err)
			}
			if err := schemaValidate(t, sch, out); err != nil {
				t.Fatalf("as Parse writes it: %v\n%s", err, out)
			}
		})
	}
}

// TestSchemaAndParseReject: documents both the schema and Parse refuse.
func TestSchemaAndParseReject(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	cases := []struct{ name, old, new string }{
		{"unknown field", "routeTable: rtb-a", "routeTabel: rtb-a"},
		{"account", `"111122223333"`, `"1111"`},
		{"dns mode", "cidr: 10.0.0.0/16 }", "cidr: 10.0.0.0/16, dns: route53 }"},
		{"no client", "client: { subnet: subnet-a, ip: 10.0.1.25 }\n", ""},
		{"gateway for dkr", "client:", "endpoints: [{ id: vpce-1, service: ecr.dkr, type: gateway, routeTables: [rtb-a] }]\nclient:"},
		{"slow without rate", "client:", "faults: [{ effect: slow }]\nclient:"},
		{"port and fromPort", "  - id: sg-a\n", "  - id: sg-a\n    ingress: [{ protocol: tcp, port: 1, fromPort: 1, toPort: 1, cidr: 10.0.0.0/8 }]\n"},
		{"platform version on eks", "client: {", "client: { kind: eks, platformVersion: 1.4.0,"},
		{"repository name", "client:", "repositories: [{ name: App }]\nclient:"},
		{"client ip", "ip: 10.0.1.25", "ip: 10.0.1"},
		{"rate zero", "client:", "faults: [{ effect: reset, rate: 0 }]\nclient:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(edit(t, tc.old, tc.new))
			if err := schemaValidate(t, sch, doc); err == nil {
				t.Errorf("schema accepted:\n%s", doc)
			}
			if _, err := Parse(doc); err == nil {
				t.Errorf("Parse accepted:\n%s", doc)
			}
		})
	}
}

// TestSchemaNamesEveryField keeps the schema and the types in step: each
// JSON field name of the contract types is a property in schema.json.
func TestSchemaNamesEveryField(t *testing.T) {
	t.Parallel()
	fields := jsonFields(reflect.TypeFor[Scenario](), map[reflect.Type]bool{})
	if len(fields) < 50 {
		t.Fatalf("found only %d fields: %v", len(fields), fields)
	}
	for _, f := range fields {
		if !strings.Contains(string(schema), `"`+f+`": {`) {
			t.Errorf("schema.json has no property %q", f)
		}
	}
}

// jsonFields lists the JSON names of t's fields and of the structs below,
// stopping at the value types that marshal as strings.
func jsonFields(t reflect.Type, seen map[reflect.Type]bool) []string {
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || t.PkgPath() != reflect.TypeFor[Scenario]().PkgPath() {
		return nil
	}
	seen[t] = true
	var out []string
	for f := range t.Fields() {
		if f.Anonymous {
			continue // Prefix and Addr embed netip values
		}
		out = append(out, strings.Split(f.Tag.Get("json"), ",")[0])
		out = append(out, jsonFields(f.Type, seen)...)
	}
	return out
}
