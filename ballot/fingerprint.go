package ballot

import "crypto/sha512"

// A FingerprintKind says what part of a ballot a Fingerprint is of. Its
// value is the tag byte hashed in front of the part's encoding.
type FingerprintKind byte

// The kinds of fingerprinted parts.
const (
	// FingerprintIdentifier is the ballot identifier with its signer:
	// identifiers are unique per device or credential among the lines of
	// a box (step 6 of the acceptance rule).
	FingerprintIdentifier FingerprintKind = 'i'
	// FingerprintNonce is the first component A = r·G of a ciphertext (a
	// selection's, or a column of a CodeList contest's row), which fixes the
	// ciphertext's nonce r: no two ciphertexts of the accepted ballots
	// share it (step 9).
	FingerprintNonce FingerprintKind = 'a'
)

// A Fingerprint stands for one part of a ballot that must not appear twice
// in a box (docs/spec.md §Ballots, "The acceptance rule", steps 6 and 9):
// its identifier for its signer, or the first component of a ciphertext.
// Two parts are the same iff their fingerprints are equal, up to a
// collision of 128-bit hashes (probability about N²/2^129 among N parts;
// a collision could only make two different parts look the same, never
// hide a repeat, and finding one takes about 2^64 work).
//
// Proofs need no fingerprint: each proof's transcript binds its
// ciphertext and the ballot's identifier, signer and chain position, so a
// proof copied into another ballot does not verify unless its ciphertext
// was copied too, which step 9 refuses.
type Fingerprint struct {
	// Kind says what the part is.
	Kind FingerprintKind
	// Contest and Selection locate a ciphertext in manifest order (for a
	// CodeList contest, Selection is the column of the row); both are −1 for
	// the identifier.
	Contest, Selection int
	// Sum is the first 16 bytes of SHA-512/256(u8(Kind) ‖ encoding), where
	// the encoding of a ciphertext's first component is its 32 bytes, and
	// that of the identifier is u8(1) ‖ str(device) ‖ str(identifier) for a
	// device ballot and u8(2) ‖ credential ‖ str(identifier) for a remote
	// ballot.
	Sum [16]byte
}

// fingerprintOf returns the first 16 bytes of SHA-512/256(tag ‖ b).
func fingerprintOf(tag FingerprintKind, b []byte) [16]byte {
	h := sha512.New512_256()
	h.Write([]byte{byte(tag)})
	h.Write(b)
	var f [16]byte
	copy(f[:], h.Sum(nil))
	return f
}

// Fingerprints returns the fingerprints of b's identifier (first) and of
// the first component of every ciphertext, in the order of the ballot's
// encoding, for a verifier that checks steps 6 and 9 of the acceptance rule
// across a whole box (the Box keeps them as it accepts ballots).
func (b *Ballot) Fingerprints() []Fingerprint {
	n := 1
	for i := range b.contests {
		n += len(b.contests[i].selections) + len(b.contests[i].row)
	}
	out := make([]Fingerprint, 0, n)
	out = append(out, Fingerprint{Kind: FingerprintIdentifier, Contest: -1, Selection: -1, Sum: fingerprintOf(FingerprintIdentifier, []byte(idKey(&b.header)))})
	var buf [sha512.Size256]byte
	h := sha512.New512_256()
	nonce := func(i, k int, ct []byte) Fingerprint {
		h.Reset()
		h.Write([]byte{byte(FingerprintNonce)})
		h.Write(ct[:32])
		f := Fingerprint{Kind: FingerprintNonce, Contest: i, Selection: k}
		copy(f.Sum[:], h.Sum(buf[:0]))
		return f
	}
	for i := range b.contests {
		c := &b.contests[i]
		for k := range c.row {
			out = append(out, nonce(i, k, c.row[k].ctBytes))
		}
		for j := range c.selections {
			out = append(out, nonce(i, j, c.selections[j].ctBytes))
		}
	}
	return out
}
