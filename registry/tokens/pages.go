package tokens

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
)

// ErrInvalidPage is a nextToken that was not issued for the listing.
var ErrInvalidPage = errors.New("invalid nextToken")

// maxPageTokenLen bounds a nextToken before it is decoded.
const maxPageTokenLen = 2048

// Pages mints and checks the nextToken of the paginated operations. A
// token is the listing's position (the last key returned, or an offset)
// with an HMAC that binds it to the operation, the registry and the
// repository it was issued for: a client can neither forge a position nor
// carry one to another listing. The key derives from the persisted token
// key, so tokens outlive a restart.
type Pages struct{ Key []byte }

// Scope is what a token is good for.
type Scope struct {
	Op         string // the operation, as in the X-Amz-Target
	RegistryID string // the registry listed, resolved
	Repository string // empty for DescribeRepositories
}

func (p Pages) mac(sc Scope, position string) []byte {
	return Derive(p.Key, sc.Op+"\x00"+sc.RegistryID+"\x00"+sc.Repository+"\x00"+position)
}

// Encode returns the token standing for position within sc.
func (p Pages) Encode(sc Scope, position string) string {
	return base64.RawURLEncoding.EncodeToString(append(p.mac(sc, position), position...))
}

// Decode returns the position tok stands for within sc; an empty tok is the
// first page, "".
func (p Pages) Decode(sc Scope, tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	if len(tok) > maxPageTokenLen {
		return "", ErrInvalidPage
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	const macLen = 32
	if err != nil || len(raw) < macLen {
		return "", ErrInvalidPage
	}
	position := string(raw[macLen:])
	if !hmac.Equal(raw[:macLen], p.mac(sc, position)) {
		return "", ErrInvalidPage
	}
	return position, nil
}
