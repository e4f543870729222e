package registry

import (
	"crypto/hmac"
	"encoding/base64"
)

// errInvalidNextToken is ECR's answer to a nextToken it did not issue for
// the request.
var errInvalidNextToken = apiErr("InvalidParameterException", "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'")

// maxTokenLen bounds a nextToken before it is decoded.
const maxTokenLen = 2048

// pageTokens mints and checks the nextToken of the paginated operations. A
// token is the listing's position (the last key returned, or an offset)
// with an HMAC that binds it to the operation, the registry and the
// repository it was issued for: a client can neither forge a position nor
// carry one to another listing. The key derives from the persisted token
// key, so tokens outlive a restart.
type pageTokens struct{ key []byte }

// pageScope is what a token is good for.
type pageScope struct {
	op         string // the operation, as in the X-Amz-Target
	registryID string // the registry listed, resolved
	repository string // empty for DescribeRepositories
}

func (p pageTokens) mac(sc pageScope, position string) []byte {
	return hmacSHA256(p.key, sc.op+"\x00"+sc.registryID+"\x00"+sc.repository+"\x00"+position)
}

// encode returns the token standing for position within sc.
func (p pageTokens) encode(sc pageScope, position string) string {
	return base64.RawURLEncoding.EncodeToString(append(p.mac(sc, position), position...))
}

// decode returns the position tok stands for within sc; an empty tok is the
// first page, "".
func (p pageTokens) decode(sc pageScope, tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	if len(tok) > maxTokenLen {
		return "", errInvalidNextToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	const macLen = 32
	if err != nil || len(raw) < macLen {
		return "", errInvalidNextToken
	}
	position := string(raw[macLen:])
	if !hmac.Equal(raw[:macLen], p.mac(sc, position)) {
		return "", errInvalidNextToken
	}
	return position, nil
}
