// Package sealed encrypts small secret files at rest under a passphrase:
// a key from Argon2id (RFC 9106) and XChaCha20-Poly1305
// (draft-irtf-cfrg-xchacha), with every header byte authenticated.
//
// A sealed file is
//
//	magic     8 bytes   "sndgseal"
//	version   1 byte    0x01
//	kind      u8(len) ‖ ASCII kind, 1..64 bytes (what the file holds)
//	time      u32       Argon2id passes
//	memory    u32       Argon2id memory in KiB
//	threads   u8        Argon2id lanes
//	salt      16 bytes
//	nonce     24 bytes
//	sealed    XChaCha20-Poly1305(key, nonce, plaintext, aad = all bytes above)
//
// with big-endian integers and key = Argon2id(passphrase, salt, time,
// memory, threads, 32). The format is specified in docs/spec.md, section
// "Trustees", "Secret state at rest".
//
// This package is not a general file-encryption tool (use age for that): it
// has no recipients, no streaming and no key rotation, and it is meant for a
// few kilobytes of secret state of one program.
package sealed

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

const (
	magic       = "sndgseal"
	version     = 1
	saltSize    = 16
	maxKindSize = 64
)

// Params are the Argon2id cost parameters of a sealed file.
type Params struct {
	Time    uint32 // passes over the memory, 1..MaxTime
	Memory  uint32 // KiB, 8·Threads..MaxMemory
	Threads uint8  // lanes, at least 1
}

// DefaultParams is the second recommended option of RFC 9106, Section 4:
// three passes over 64 MiB with four lanes.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 4}

// Limits that Open enforces before it derives a key, so that a modified
// header cannot make it allocate or compute without bound.
const (
	MaxTime   = 16
	MaxMemory = 1024 * 1024 // 1 GiB in KiB
)

// ErrWrongPassphrase is returned by Open when the authentication tag does not
// verify: the passphrase is wrong, or the salt, parameters, nonce or
// ciphertext were modified.
var ErrWrongPassphrase = errors.New("sealed: wrong passphrase or modified file")

func (p Params) check() error {
	switch {
	case p.Time < 1 || p.Time > MaxTime:
		return fmt.Errorf("sealed: Argon2id time %d outside 1..%d", p.Time, MaxTime)
	case p.Threads < 1:
		return errors.New("sealed: Argon2id threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > MaxMemory:
		return fmt.Errorf("sealed: Argon2id memory %d KiB outside %d..%d", p.Memory, 8*uint32(p.Threads), MaxMemory)
	}
	return nil
}

func checkKind(kind string) {
	if len(kind) < 1 || len(kind) > maxKindSize {
		panic("sealed: kind must be 1 to 64 bytes")
	}
	for i := 0; i < len(kind); i++ {
		if kind[i] < 0x20 || kind[i] > 0x7e {
			panic("sealed: kind must be printable ASCII")
		}
	}
}

// Seal encrypts plaintext under passphrase with DefaultParams and returns the
// sealed file. kind names what the file holds (for example "trustee key
// share"); Open refuses a file of another kind. It returns an error if the
// passphrase is empty. It panics if kind is not 1 to 64 printable ASCII
// bytes.
func Seal(kind string, plaintext, passphrase []byte) ([]byte, error) {
	return SealWithParams(kind, plaintext, passphrase, DefaultParams)
}

// SealWithParams is Seal with explicit Argon2id parameters.
func SealWithParams(kind string, plaintext, passphrase []byte, p Params) ([]byte, error) {
	checkKind(kind)
	if len(passphrase) == 0 {
		return nil, errors.New("sealed: empty passphrase")
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	var salt [saltSize]byte
	var nonce [chacha20poly1305.NonceSizeX]byte
	rand.Read(salt[:])
	rand.Read(nonce[:])
	return sealWith(kind, plaintext, passphrase, p, salt[:], nonce[:]), nil
}

// sealWith seals with the given salt and nonce (known-answer tests fix them).
func sealWith(kind string, plaintext, passphrase []byte, p Params, salt, nonce []byte) []byte {
	out := make([]byte, 0, 64+len(kind)+len(plaintext)+chacha20poly1305.Overhead)
	out = append(out, magic...)
	out = append(out, version, byte(len(kind)))
	out = append(out, kind...)
	out = binary.BigEndian.AppendUint32(out, p.Time)
	out = binary.BigEndian.AppendUint32(out, p.Memory)
	out = append(out, p.Threads)
	out = append(out, salt...)
	out = append(out, nonce...)

	aead, err := chacha20poly1305.NewX(argon2.IDKey(passphrase, salt, p.Time, p.Memory, p.Threads, chacha20poly1305.KeySize))
	if err != nil {
		panic("sealed: internal error: " + err.Error())
	}
	return aead.Seal(out, nonce, plaintext, out)
}

// Open decrypts a sealed file of the given kind. It returns an error that
// says what is wrong: not a sealed file, an unknown version, a file of
// another kind, out-of-range parameters, a truncated file, or
// ErrWrongPassphrase if the passphrase is wrong or an authenticated byte was
// modified. It panics if kind is not 1 to 64 printable ASCII bytes.
func Open(kind string, data, passphrase []byte) ([]byte, error) {
	checkKind(kind)
	h, err := parseHeader(data)
	if err != nil {
		return nil, err
	}
	if h.kind != kind {
		return nil, fmt.Errorf("sealed: file holds a %q, not a %q", h.kind, kind)
	}
	aead, err := chacha20poly1305.NewX(argon2.IDKey(passphrase, h.salt, h.params.Time, h.params.Memory, h.params.Threads, chacha20poly1305.KeySize))
	if err != nil {
		panic("sealed: internal error: " + err.Error())
	}
	header := data[:h.size]
	plaintext, err := aead.Open(nil, h.nonce, data[h.size:], header)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return plaintext, nil
}

// Kind returns the kind of a sealed file, read from its unauthenticated
// header, or an error if data is not a well-formed sealed file.
func Kind(data []byte) (string, error) {
	h, err := parseHeader(data)
	if err != nil {
		return "", err
	}
	return h.kind, nil
}

type header struct {
	kind   string
	params Params
	salt   []byte
	nonce  []byte
	size   int
}

func parseHeader(data []byte) (*header, error) {
	if len(data) < len(magic)+2 || !bytes.Equal(data[:len(magic)], []byte(magic)) {
		return nil, errors.New("sealed: not a sealed file (bad magic)")
	}
	if data[len(magic)] != version {
		return nil, fmt.Errorf("sealed: unsupported version %d", data[len(magic)])
	}
	off := len(magic) + 1
	k := int(data[off])
	off++
	if k < 1 || k > maxKindSize {
		return nil, fmt.Errorf("sealed: field kind: length %d outside 1..%d", k, maxKindSize)
	}
	rest := 4 + 4 + 1 + saltSize + chacha20poly1305.NonceSizeX
	if len(data) < off+k+rest+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("sealed: file truncated at %d bytes", len(data))
	}
	h := &header{kind: string(data[off : off+k])}
	off += k
	h.params.Time = binary.BigEndian.Uint32(data[off:])
	h.params.Memory = binary.BigEndian.Uint32(data[off+4:])
	h.params.Threads = data[off+8]
	off += 9
	if err := h.params.check(); err != nil {
		return nil, err
	}
	h.salt = data[off : off+saltSize]
	off += saltSize
	h.nonce = data[off : off+chacha20poly1305.NonceSizeX]
	off += chacha20poly1305.NonceSizeX
	h.size = off
	return h, nil
}
