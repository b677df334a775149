// Package trustee implements the threshold trustees of an election: a
// Pedersen/Feldman distributed key generation among n trustees with threshold
// t, and verifiable threshold decryption.
//
// No single official can decrypt a ballot: the election key is the sum of
// the constant terms of the trustees' secret polynomials, each trustee holds
// one share of it, any t of them decrypt together, and fewer than t learn
// nothing.
//
// # Key ceremony
//
// The trustees are fixed in advance in a Roster (names, Ed25519 signing keys,
// X25519 HPKE keys, t), whose hash binds every message. Each trustee runs a
// Trustee through four rounds of signed, serialisable messages, which can be
// exchanged as files between separate machines:
//
//  1. Commitments: C_k = a_k·G for its polynomial f(x) = Σ a_k·x^k of
//     degree t−1, each with a Schnorr proof of knowledge (package proof).
//  2. EncryptedShare: f(j) for every other trustee j, encrypted with HPKE
//     (RFC 9180, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305).
//  3. Complaint: signed by a recipient whose share is missing, undecryptable
//     or inconsistent with the commitments.
//  4. ComplaintResponse: the accused dealer reveals that share; anyone checks
//     it against the commitments.
//
// Trustee lists the rounds with the methods that make and take each
// message; the package Example runs them for three trustees, one of whose
// shares is lost so that a complaint is made and answered.
//
// VerifyCeremony decides everything from the published messages alone: the
// qualified dealers, every exclusion and its reason, the joint public key
// Σ C_{i,0} and each trustee's verification key K_j = Σ_i Σ_k j^k·C_{i,k}.
// Trustee.Finish runs the same judgment and returns the trustee's KeyShare
// s_j = Σ_{i ∈ QUAL} f_i(j). Identities, ceremony states and key shares are
// sealed at rest under a passphrase (Argon2id, XChaCha20-Poly1305).
//
// The roster names its election by the manifest's identifier, a string
// (NewRoster, ballot.Manifest.ElectionID), and the ceremony's outcome
// knows it (Result.ElectionID): the record's writer and the decryption
// (election.Writer.WriteElection, tally.Decrypt) compare it with the
// election they are given and refuse another. A trustee's tool takes the
// outcome from Trustee.Finish, a verifier from VerifyCeremony, and the
// coordinator who writes the record from election.Writer.WriteCeremony
// (see Result).
//
// # Threshold decryption
//
// KeyShare.DecryptSharesUnchecked computes D_i = s_j·A_i for a list of
// ciphertexts, each with a Chaum–Pedersen proof against K_j, on all cores.
// VerifyShareList checks a whole list in one random linear combination and
// names the bad entries if it fails; Combine verifies the lists of any
// trustees, leaves out and names the invalid ones, and interpolates the
// plaintexts M_i = B_i − Σ λ_j·D_{j,i} from any t valid lists
// (ExampleCombine).
//
// DecryptSharesUnchecked decrypts whatever list it is given, so a trustee
// tool does not call it: a coordinator could hand it a single ballot's
// ciphertexts. A trustee produces its shares with package election
// (VerifyForDecryption, then VerifiedRecord.TallyShares or RowShares),
// which verifies the election record first and decrypts only the
// encrypted tally of the ballots that count or the final list of a
// complete mix cascade.
//
// The byte-level specification (the roster hash, every message's encoding
// and signature, the HPKE info string, the transcripts of the proofs, the
// rules of the judgment, the sealed-file format and the batch verification)
// is in docs/spec.md, section "Trustees"; the known-answer vectors are in
// testdata/.
//
// Operations on polynomial coefficients, shares, key shares and proof
// nonces are constant time; functions that judge or verify handle public
// data only.
//
// Every secret comes from crypto/rand. For tests and reproducible
// demonstrations only, NewIdentityFromSeed, NewTrusteeFromSeed and
// KeyShare.DecryptSharesUncheckedFromSeed derive them from a 32-byte seed
// instead (docs/spec.md, "Trustees", "Deterministic constructors"); real
// trustees use the random constructors.
//
// This package is not a general threshold-signature or secret-sharing
// library, nor a transport: it exchanges no messages itself, and the caller
// must make every trustee see the same published messages (a bulletin board
// or a shared folder that keeps everything). Its shares decrypt only the
// ElGamal ciphertexts of package elgamal under the joint key.
package trustee
