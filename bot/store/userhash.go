package store

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// UserKeySize is the size of a new user-hash key.
const UserKeySize = 32

// UserHasher turns a Discord user id into the keyed hash under which a store
// keeps it (HMAC-SHA256), so that the store never holds raw ids and a leaked
// database cannot be joined with other data without the key. The key lives
// with the store (each implementation creates one on first use).
type UserHasher struct{ key []byte }

// NewUserHasher returns a hasher with key, which must not be empty.
func NewUserHasher(key []byte) (UserHasher, error) {
	if len(key) == 0 {
		return UserHasher{}, fmt.Errorf("user hash: empty key")
	}
	return UserHasher{key: append([]byte(nil), key...)}, nil
}

// NewUserKey returns a random key for NewUserHasher.
func NewUserKey() []byte {
	k := make([]byte, UserKeySize)
	rand.Read(k) // never returns an error (crypto/rand, Go 1.24+)
	return k
}

// Hash returns the hex HMAC-SHA256 of user.
func (h UserHasher) Hash(user string) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(user))
	return hex.EncodeToString(m.Sum(nil))
}
