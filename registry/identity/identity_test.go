package identity

import (
	"strings"
	"testing"
)

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		ids     []Identity
		wantErr string // empty: valid
	}{
		{"empty", nil, ""},
		{"one", []Identity{{AccessKeyID: "AKIA1", Principal: "arn:aws:iam::111122223333:user/a", Policies: []string{allowAll}}}, ""},
		{"no key", []Identity{{Principal: "arn:aws:iam::111122223333:user/a"}}, "identities[0]: accessKeyId is empty"},
		{"twice", []Identity{{AccessKeyID: "K", Principal: "arn:aws:iam::1:user/a"}, {AccessKeyID: "K", Principal: "arn:aws:iam::1:user/b"}},
			`identities[1]: access key "K" listed twice`},
		{"not an ARN", []Identity{{AccessKeyID: "K", Principal: "alice"}}, `identities[0]: principal "alice" is not an ARN`},
		{"bad policy", []Identity{{AccessKeyID: "K", Principal: "arn:aws:iam::1:user/a", Policies: []string{`{"Statement":[]}`}}},
			"identities[0].policies[0]: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tc.ids)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("New: %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestPrincipalMergesItsIdentities: two keys of one principal give it the
// policies and tags of both.
func TestPrincipalMergesItsIdentities(t *testing.T) {
	t.Parallel()
	const p = "arn:aws:sts::111122223333:assumed-role/r/s"
	tab, err := New([]Identity{
		{AccessKeyID: "K1", Principal: p, Policies: []string{allowAll}, Tags: map[string]string{"team": "a"}},
		{AccessKeyID: "K2", Principal: p, Policies: []string{allowAll}, Tags: map[string]string{"env": "ci"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := tab.Principal(p)
	if got == nil || len(got.Policies) != 2 || got.Tags["team"] != "a" || got.Tags["env"] != "ci" {
		t.Fatalf("Principal = %+v", got)
	}
	if id, ok := tab.Key("K2"); !ok || id.Principal != p {
		t.Fatalf("Key(K2) = %+v %v", id, ok)
	}
	if tab.Principal("arn:aws:iam::1:user/nobody") != nil {
		t.Fatal("a principal no identity names has facts")
	}
	var zero Table
	if _, ok := zero.Key("K1"); ok {
		t.Fatal("the zero Table knows a key")
	}
}
