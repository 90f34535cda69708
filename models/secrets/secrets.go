package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// Sealer encrypts secrets stored in the database (source DSNs and
// passwords) with AES-256-GCM: a random nonce per value, a key derived from
// MESHPORT_SECRET_KEY with HKDF, and the owning row bound as additional
// data, so a sealed value copied onto another row does not open.
type Sealer struct {
	aead cipher.AEAD
}

const sealedPrefix = "v1:"

// NewSealer derives the encryption key from the portal's secret key.
func NewSealer(secretKey string) (*Sealer, error) {
	if len(secretKey) < 32 {
		return nil, errors.New("the secret key must be at least 32 characters")
	}
	key, err := hkdf.Key(sha256.New, []byte(secretKey), nil, "meshport stored secrets v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext for the row named by aad ("source:42").
func (s *Sealer) Seal(plaintext, aad string) string {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	sealed := s.aead.Seal(nonce, nonce, []byte(plaintext), []byte(aad))
	return sealedPrefix + base64.StdEncoding.EncodeToString(sealed)
}

// Open decrypts a value sealed for the same row.
func (s *Sealer) Open(sealed, aad string) (string, error) {
	raw, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return "", errors.New("not a sealed value")
	}
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(data) < s.aead.NonceSize() {
		return "", errors.New("sealed value is damaged")
	}
	plain, err := s.aead.Open(nil, data[:s.aead.NonceSize()], data[s.aead.NonceSize():], []byte(aad))
	if err != nil {
		return "", errors.New("sealed value does not open with this secret key (was MESHPORT_SECRET_KEY changed?)")
	}
	return string(plain), nil
}
