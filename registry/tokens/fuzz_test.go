package tokens

import (
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzVerifyToken holds the property that a token verifies only if we
// issued it: a token issued for any principal verifies to exactly what was
// issued; a token with any byte changed verifies, if at all, to the same
// payload; and an arbitrary password verifies only to a payload issued
// before.
func FuzzVerifyToken(f *testing.F) {
	tk := &Issuer{Key: make([]byte, 32), Now: func() time.Time { return time.Unix(1e9, 0) }}
	var mu sync.Mutex
	issued := map[Payload]bool{}
	tok, _ := tk.Issue("arn:aws:iam::000000000000:root", "000000000000", "us-east-1", 0)
	f.Add("arn:aws:iam::000000000000:root", uint(3), byte(1), tok)
	f.Add("arn:aws:sts::111122223333:assumed-role/r/s", uint(70), byte(0x20), "eyJwYXlsb2FkIjoiIn0=")
	f.Fuzz(func(t *testing.T, principal string, pos uint, flip byte, forged string) {
		tok, _ := tk.Issue(principal, "000000000000", "us-east-1", 0)
		raw, _ := base64.StdEncoding.DecodeString(tok)
		password := strings.TrimPrefix(string(raw), "AWS:")
		if len(password) > MaxSize {
			return // Verify bounds what it parses; no IAM ARN (2048 characters at most) comes near
		}
		p, err := tk.Verify(password)
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
			if q, err := tk.Verify(string(b)); err == nil && *q != *p {
				t.Fatalf("a changed token verified to another payload: %+v", q)
			}
		}
		if q, err := tk.Verify(forged); err == nil {
			mu.Lock()
			ok := issued[*q]
			mu.Unlock()
			if !ok {
				t.Fatalf("a password we never issued verified: %+v", q)
			}
		}
	})
}
