package secrets_test

import (
	"strings"
	"testing"

	"github.com/meshport/meshport/models/secrets"
)

func TestSealOpensOnlyForItsRowAndKey(t *testing.T) {
	s, err := secrets.NewSealer("test-secret-key-0123456789-abcdefghij")
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal("postgres://reader:S3cret-pw@db/sales", "source:1")
	if strings.Contains(sealed, "S3cret") || !strings.HasPrefix(sealed, "v1:") {
		t.Fatalf("sealed value %q shows the secret or lacks its version", sealed)
	}
	if again := s.Seal("postgres://reader:S3cret-pw@db/sales", "source:1"); again == sealed {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if plain, err := s.Open(sealed, "source:1"); err != nil || plain != "postgres://reader:S3cret-pw@db/sales" {
		t.Errorf("Open = %q, %v", plain, err)
	}
	if _, err := s.Open(sealed, "source:2"); err == nil {
		t.Error("a value sealed for row 1 opened for row 2")
	}
	other, _ := secrets.NewSealer("another-secret-key-0123456789-abcdef")
	if _, err := other.Open(sealed, "source:1"); err == nil || !strings.Contains(err.Error(), "MESHPORT_SECRET_KEY") {
		t.Errorf("another key: %v, want a refusal naming MESHPORT_SECRET_KEY", err)
	}
	for _, bad := range []string{"", "plain", "v1:", "v1:!!!", "v1:" + strings.Repeat("A", 8)} {
		if _, err := s.Open(bad, "source:1"); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	if _, err := secrets.NewSealer("short"); err == nil {
		t.Error("a short key was accepted")
	}
}

func FuzzOpen(f *testing.F) {
	s, _ := secrets.NewSealer("test-secret-key-0123456789-abcdefghij")
	f.Add(s.Seal("x", "source:1"), "source:1")
	f.Add("v1:AAAA", "")
	f.Fuzz(func(t *testing.T, sealed, aad string) {
		_, _ = s.Open(sealed, aad) // never panics, whatever is stored
	})
}
