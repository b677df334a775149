package ballot

// A FingerprintKind says what part of a ballot a Fingerprint is of. Its
// value is the tag byte hashed in front of the part's encoding.
type FingerprintKind byte

// The kinds of fingerprinted parts.
const (
	// FingerprintIdentifier is the ballot identifier with its signer:
	// identifiers are unique per device or credential.
	FingerprintIdentifier FingerprintKind = 'i'
	// FingerprintCiphertext is a selection's ciphertext.
	FingerprintCiphertext FingerprintKind = tagCipher
	// FingerprintRangeProof is a selection's range proof.
	FingerprintRangeProof FingerprintKind = tagProof
	// FingerprintContestProof is a contest's proof about its sum.
	FingerprintContestProof FingerprintKind = tagSumProof
	// FingerprintKnowledgeProof is the proof of knowledge of the nonce of
	// one ciphertext of a Codes contest's row.
	FingerprintKnowledgeProof FingerprintKind = tagKnowledge
)

// A Fingerprint stands for one part of a ballot that must not appear in
// two ballots of an election (docs/spec.md §Ballots, "Acceptance
// rules", rule 8): its identifier for its signer, a ciphertext, a range
// proof, a contest proof or a proof of knowledge of a row's nonce. Two parts are the same iff their fingerprints
// are equal, up to a collision of 128-bit hashes (probability about
// N²/2^129 among N parts, and a collision can only make two different
// parts look the same, never hide a replay).
type Fingerprint struct {
	// Kind says what the part is.
	Kind FingerprintKind
	// Contest and Selection locate a ciphertext or proof in manifest
	// order (for a Codes contest, Selection is the column of the row);
	// Selection is −1 for a contest proof, and both are −1 for the
	// identifier.
	Contest, Selection int
	// Sum is the first 16 bytes of SHA-512/256(u8(Kind) ‖ encoding), where
	// the encoding of a ciphertext or proof is its canonical encoding as
	// it appears in the ballot's encoding, and that of the identifier is
	// u8(1) ‖ str(device) ‖ str(identifier) for a device ballot and
	// u8(2) ‖ credential ‖ str(identifier) for a remote ballot.
	Sum [16]byte
}

// Fingerprints returns the fingerprints of b's identifier and of every
// ciphertext, range proof, contest proof and proof of knowledge, in the
// order of the ballot's encoding, for a verifier that checks the replay rule across a whole
// ballot box (the box itself keeps them as it accepts ballots).
func (b *Ballot) Fingerprints() []Fingerprint {
	n := 1
	for i := range b.contests {
		n += 2*len(b.contests[i].selections) + 2*len(b.contests[i].row) + 1
	}
	out := make([]Fingerprint, 0, n)
	out = append(out, Fingerprint{Kind: FingerprintIdentifier, Contest: -1, Selection: -1, Sum: fingerprintOf(byte(FingerprintIdentifier), []byte(idKey(&b.header)))})
	for i := range b.contests {
		c := &b.contests[i]
		for k := range c.row {
			col := &c.row[k]
			out = append(out,
				Fingerprint{Kind: FingerprintCiphertext, Contest: i, Selection: k, Sum: fingerprintOf(tagCipher, col.ctBytes)},
				Fingerprint{Kind: FingerprintKnowledgeProof, Contest: i, Selection: k, Sum: fingerprintOf(tagKnowledge, col.pokBytes)})
		}
		for j := range c.selections {
			s := &c.selections[j]
			out = append(out,
				Fingerprint{Kind: FingerprintCiphertext, Contest: i, Selection: j, Sum: fingerprintOf(tagCipher, s.ctBytes)},
				Fingerprint{Kind: FingerprintRangeProof, Contest: i, Selection: j, Sum: fingerprintOf(tagProof, s.proofBytes)})
		}
		if c.sum != nil {
			out = append(out, Fingerprint{Kind: FingerprintContestProof, Contest: i, Selection: -1, Sum: fingerprintOf(tagSumProof, c.sumBytes)})
		}
	}
	return out
}
