package demo

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	mrand "math/rand/v2"
	"strconv"
)

// Seeds derives a simulated run's secrets and random choices. With Seed
// empty they come from crypto/rand; with Seed set the run is reproducible
// byte for byte, every secret being SHA-256 of Tag, a label and Seed. A
// real election never uses a seed.
type Seeds struct {
	// Tag separates the examples' derivations: "sandogh guild example",
	// "sandogh council example".
	Tag string
	// Seed is the run's seed, or "" for a run from crypto/rand.
	Seed string
}

// Secret returns the 32-byte seed of one of the trustees' secrets:
// SHA-256(Tag ‖ " " ‖ what ‖ 0x00 ‖ Seed ‖ 0x00 ‖ decimal k) in a seeded
// run, 32 bytes from crypto/rand otherwise.
func (s Seeds) Secret(what string, k int) []byte {
	if s.Seed == "" {
		b := make([]byte, 32)
		rand.Read(b)
		return b
	}
	h := sha256.Sum256([]byte(s.Tag + " " + what + "\x00" + s.Seed + "\x00" + strconv.Itoa(k)))
	return h[:]
}

// Rand returns the run's source of simulated choices (votes, challenges,
// the absent trustee): ChaCha8 keyed with SHA-256(Tag ‖ " seed" ‖ 0x00 ‖
// Seed) in a seeded run, with 32 bytes from crypto/rand otherwise.
func (s Seeds) Rand() *mrand.Rand {
	var key [32]byte
	if s.Seed != "" {
		key = sha256.Sum256([]byte(s.Tag + " seed\x00" + s.Seed))
	} else {
		rand.Read(key[:])
	}
	return mrand.New(mrand.NewChaCha8(key))
}

// StationKey returns the signing key of polling station id in a seeded
// run: the Ed25519 key whose seed is SHA-256(Tag ‖ " station key" ‖ 0x00 ‖
// Seed ‖ 0x00 ‖ id). A real station generates its key and never reveals it.
func (s Seeds) StationKey(id string) ed25519.PrivateKey {
	h := sha256.Sum256([]byte(s.Tag + " station key\x00" + s.Seed + "\x00" + id))
	return ed25519.NewKeyFromSeed(h[:])
}

// OfficialKey returns the signing key of station official id: in a seeded
// run the Ed25519 key whose seed is SHA-256(Tag ‖ " official key" ‖ 0x00 ‖
// Seed ‖ 0x00 ‖ id), otherwise a key from crypto/rand. A real official
// generates her key and never reveals it.
func (s Seeds) OfficialKey(id string) ed25519.PrivateKey {
	if s.Seed == "" {
		_, k, _ := ed25519.GenerateKey(rand.Reader)
		return k
	}
	h := sha256.Sum256([]byte(s.Tag + " official key\x00" + s.Seed + "\x00" + id))
	return ed25519.NewKeyFromSeed(h[:])
}

// Bytes draws n bytes from r, one byte per Uint32 (the low byte).
func Bytes(r *mrand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}
