package registry

import (
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseSigV4 feeds arbitrary Authorization headers to the SigV4 parser.
func FuzzParseSigV4(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	f.Add("AWS4-HMAC-SHA256 ")
	f.Add("Basic abc")
	f.Fuzz(func(t *testing.T, header string) {
		a, err := parseSigV4(header)
		if err != nil {
			return
		}
		_ = a.checkScope("us-east-1")
		r, _ := http.NewRequest(http.MethodPost, "http://h/", nil)
		r.Header.Set("X-Amz-Date", "20260101T000000Z")
		_ = a.verify(r, []byte("{}"), "secret", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	})
}

// FuzzVerifyToken holds the property that a token verifies only if we
// issued it: a token issued for any principal verifies to exactly what was
// issued; a token with any byte changed verifies, if at all, to the same
// payload; and an arbitrary password verifies only to a payload issued
// before.
func FuzzVerifyToken(f *testing.F) {
	tk := &tokenIssuer{key: make([]byte, 32), now: func() time.Time { return time.Unix(1e9, 0) }}
	var mu sync.Mutex
	issued := map[tokenPayload]bool{}
	tok, _ := tk.issue("arn:aws:iam::000000000000:root", DefaultAccount, DefaultRegion)
	f.Add("arn:aws:iam::000000000000:root", uint(3), byte(1), tok)
	f.Add("arn:aws:sts::111122223333:assumed-role/r/s", uint(70), byte(0x20), "eyJwYXlsb2FkIjoiIn0=")
	f.Fuzz(func(t *testing.T, principal string, pos uint, flip byte, forged string) {
		tok, _ := tk.issue(principal, DefaultAccount, DefaultRegion)
		raw, _ := base64.StdEncoding.DecodeString(tok)
		password := strings.TrimPrefix(string(raw), "AWS:")
		p, err := tk.verify(password)
		if err != nil {
			t.Fatalf("a token we issued for %q does not verify: %v", principal, err)
		}
		if utf8.ValidString(principal) && p.Principal != principal {
			t.Fatalf("issued for %q, verified as %q", principal, p.Principal)
		}
		mu.Lock()
		issued[*p] = true
		mu.Unlock()
		if flip != 0 && len(password) > 0 {
			b := []byte(password)
			b[pos%uint(len(b))] ^= flip
			if q, err := tk.verify(string(b)); err == nil && *q != *p {
				t.Fatalf("a changed token verified to another payload: %+v", q)
			}
		}
		if q, err := tk.verify(forged); err == nil {
			mu.Lock()
			ok := issued[*q]
			mu.Unlock()
			if !ok {
				t.Fatalf("a password we never issued verified: %+v", q)
			}
		}
	})
}

// FuzzDecode feeds arbitrary bodies to the API decoder used by every
// operation.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"repositoryName":"a","maxResults":5,"imageIds":[{"imageTag":"x"}]}`))
	f.Add([]byte(`{"repositoryName":5}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var in struct {
			RepositoryName string `json:"repositoryName"`
			MaxResults     *int   `json:"maxResults"`
			ImageIDs       []struct {
				ImageTag string `json:"imageTag"`
			} `json:"imageIds"`
		}
		if err := decode(body, &in); err != nil {
			if _, ok := err.(*APIError); !ok {
				t.Fatalf("decode error %T is not an APIError", err)
			}
		}
	})
}
