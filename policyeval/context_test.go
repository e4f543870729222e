package policyeval

import (
	"slices"
	"testing"
)

func TestContext(t *testing.T) {
	t.Parallel()
	var c Context
	c.Set("aws:SourceVpce", "vpce-1")
	c.Set("aws:PrincipalTag/Team", "a", "b")
	c.Set("AWS:SOURCEVPCE", "vpce-2") // same key, other case: replaced
	if c.Len() != 2 {
		t.Fatalf("Len = %d, want 2", c.Len())
	}
	if v, ok := c.Get("aws:sourcevpce"); !ok || !slices.Equal(v, []string{"vpce-2"}) {
		t.Errorf("Get = %v, %v", v, ok)
	}
	if v, ok := c.Get("aws:principaltag/team"); !ok || len(v) != 2 {
		t.Errorf("tag key lookup = %v, %v", v, ok)
	}
	values := []string{"x"}
	c.Set("k", values...)
	values[0] = "changed"
	if v, _ := c.Get("k"); v[0] != "x" {
		t.Error("Set kept the caller's slice")
	}
	clone := c.Clone()
	c.Delete("K")
	if _, ok := c.Get("k"); ok {
		t.Error("Delete left the key")
	}
	if _, ok := clone.Get("k"); !ok {
		t.Error("Clone shares memory with the original")
	}
	var keys []string
	for k := range clone.All() {
		keys = append(keys, k)
	}
	if !slices.Equal(keys, []string{"AWS:SOURCEVPCE", "aws:PrincipalTag/Team", "k"}) {
		t.Errorf("All = %v", keys)
	}
	for range clone.All() {
		break // stopping early must not panic
	}
	c.Set("present-but-empty")
	if v, ok := c.Get("present-but-empty"); !ok || len(v) != 0 {
		t.Errorf("empty key = %v, %v", v, ok)
	}
}
