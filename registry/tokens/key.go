package tokens

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"

	"github.com/ecrlink/ecrlink/registry/metastore"
)

// keyName is the metadata object holding the token key.
const keyName = "token.key"

// LoadKey returns the store's token key, creating it on first use.
func LoadKey(ctx context.Context, m metastore.Store) ([]byte, error) {
	key, err := m.Get(ctx, keyName)
	if err == nil && len(key) == 32 {
		return key, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("token key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	if err := m.Put(ctx, keyName, key); err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	return key, nil
}

// Derive returns a secret derived from key for label, so that every signer
// of a registry (pagination, upload state, the starport presigner) stays
// valid across restarts and across processes sharing the store.
func Derive(key []byte, label string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(label))
	return h.Sum(nil)
}
