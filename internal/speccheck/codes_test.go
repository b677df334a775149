package speccheck

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	r255 "github.com/gtank/ristretto255"
)

// Ballots with a codes contest (50-ballot.md, layout 2) and the packing of
// codes (20-elgamal.md, "Embedding" and "Packing of candidate codes").

// unpackCodes reads the codes of one row's plaintext elements (20-elgamal.md,
// "Packing of candidate codes", "Unpacking"). Its errors are the texts of
// the tally section's "Reason texts" (Tally, "Decoding the rows"), found in
// the order given there: every element extracted, then every element's
// bits above its last slot, then the slots, numbered over the whole row.
func unpackCodes(ms []*r255.Element, maxCodes int, maxCode uint32) ([]uint32, error) {
	bits := 0
	for x := maxCode; x > 0; x >>= 1 {
		bits++
	}
	k := 240 / bits
	w := (maxCodes + k - 1) / k
	if len(ms) != w {
		noun := "elements"
		if len(ms) == 1 {
			noun = "element"
		}
		return nil, fmt.Errorf("elgamal: unpack codes: %d %s, want %d", len(ms), noun, w)
	}
	var data [][]byte
	for e, m := range ms {
		E := enc(m)
		L := int(E[0]>>1) & 31
		if L > 30 {
			return nil, fmt.Errorf("elgamal: unpack codes: element %d: extract: length field is %d, more than MaxEmbedSize = 30", e, L)
		}
		for i := L + 1; i <= 30; i++ {
			if E[i] != 0 {
				return nil, fmt.Errorf("elgamal: unpack codes: element %d: extract: padding byte %d (data length %d) is 0x%02x, not zero", e, i, L, E[i])
			}
		}
		if L != 30 {
			return nil, fmt.Errorf("elgamal: unpack codes: element %d: data is %d bytes, want 30", e, L)
		}
		data = append(data, E[1:31])
	}
	// bit i of the little-endian integer D is D[i/8]>>(i%8)&1
	bit := func(D []byte, i int) uint32 { return uint32(D[i/8]>>(i%8)) & 1 }
	for e, D := range data {
		for i := bits * k; i < 240; i++ {
			if bit(D, i) != 0 {
				return nil, fmt.Errorf("elgamal: unpack codes: element %d: bits above slot %d are not zero", e, (e+1)*k-1)
			}
		}
	}
	codes := []uint32{}
	empty := -1
	for s := 0; s < w*k; s++ {
		var v uint32
		for i := 0; i < bits; i++ {
			v |= bit(data[s/k], bits*(s%k)+i) << i
		}
		where := fmt.Sprintf("element %d, slot %d", s/k, s)
		switch {
		case v > maxCode:
			return nil, fmt.Errorf("elgamal: unpack codes: %s: code %d is above maxCode = %d", where, v, maxCode)
		case v != 0 && empty >= 0:
			return nil, fmt.Errorf("elgamal: unpack codes: %s: code %d follows the empty slot %d", where, v, empty)
		case v != 0 && s >= maxCodes: // cannot happen when decoding rows (maxCodes = S)
			return nil, fmt.Errorf("elgamal: unpack codes: %s: code %d is beyond maxCodes = %d", where, v, maxCodes)
		case v == 0:
			if empty < 0 {
				empty = s
			}
		default:
			codes = append(codes, v)
		}
	}
	return codes, nil
}

// codesRowsVectors is tally/testdata/codes-rows.json (60-tally.md, "Test
// vectors").
type codesRowsVectors struct {
	Comment  string `json:"comment"`
	Contests []struct {
		Contest contestJSON `json:"contest"`
		Rows    []struct {
			Name    string          `json:"name"`
			Decoded json.RawMessage `json:"decoded"`
		} `json:"rows"`
	} `json:"contests"`
}

// TestCodesRowsVectors decodes every row of tally/testdata/codes-rows.json
// from its plaintexts alone, by "Decoding the rows", and must produce the
// stored line byte for byte: codes, verdict and reason text.
func TestCodesRowsVectors(t *testing.T) {
	var v codesRowsVectors
	readJSON(t, "../../tally/testdata/codes-rows.json", &v)
	reasons := map[string]bool{}
	for _, cv := range v.Contests {
		for _, rv := range cv.Rows {
			var stored decodedRowJSON
			if err := decodeStrict(rv.Decoded, &stored); err != nil {
				t.Fatalf("%s: %s: %v", cv.Contest.ID, rv.Name, err)
			}
			var ms []*r255.Element
			for _, p := range stored.Plaintexts {
				M, err := elementHex(p)
				if err != nil {
					t.Fatalf("%s: %s: %v", cv.Contest.ID, rv.Name, err)
				}
				ms = append(ms, M)
			}
			got := decodedRowLine(&cv.Contest, 0, ms)
			var line bytes.Buffer
			if err := json.Compact(&line, rv.Decoded); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, line.Bytes()) {
				t.Errorf("%s: %s:\n got %s\nwant %s", cv.Contest.ID, rv.Name, got, line.Bytes())
			}
			reasons[stored.Invalid] = true
		}
	}
	for _, r := range []string{"", "packing", "too-many-codes", "unknown-code", "repeated-code", "unsorted-codes"} {
		if !reasons[r] {
			t.Errorf("no row with verdict %q", r)
		}
	}
}

func TestCodesVectors(t *testing.T) {
	var v ballotVectors
	readJSON(t, "../../ballot/testdata/codes-vectors.json", &v)
	var keys ballotVectors // the same devices and credentials (50-ballot.md, "Test vectors")
	readJSON(t, "../../ballot/testdata/ballot-vectors.json", &keys)
	menc, err := v.Manifest.encode()
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(menc) != v.ManifestEncoding || hex.EncodeToString(h256(menc)) != v.ManifestHash {
		t.Errorf("manifest encoding or hash differs:\n got %x\nwant %s", menc, v.ManifestEncoding)
	}
	x, err := scalarHex(v.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	K := hex.EncodeToString(enc(mulG(x)))
	e, err := newElectionParams(v.Manifest, K, keys.Trustees, keys.Threshold, keys.Devices, keys.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(e.baseHash) != v.BaseHash {
		t.Logf("base hash not reproduced from K = x·G and ballot-vectors.json's trustees, devices and credentials (got %x); using the stated one", e.baseHash)
		e.baseHash = mustHex(v.BaseHash)
	}
	ci := -1
	for i, c := range v.Manifest.Contests {
		if c.Kind == "codes" {
			ci = i
		}
	}
	mc := &v.Manifest.Contests[ci]
	var maxCode uint32
	for _, c := range mc.Candidates {
		maxCode = max(maxCode, c.Code)
	}
	for _, bv := range []struct {
		name string
		v    ballotVector
	}{{"credentialBallot", v.CredentialBallot}, {"deviceBallot", v.DeviceBallot}} {
		b, err := parseBallotJSON(bv.v.JSON)
		if err != nil {
			t.Errorf("%s: %v", bv.name, err)
			continue
		}
		if hex.EncodeToString(b.signed()) != bv.v.Encoding || shortCode(b.code) != bv.v.ShortCode {
			t.Errorf("%s: signed encoding or short code differs", bv.name)
		}
		if err := b.verifySignature(e); err != nil {
			t.Errorf("%s: %v", bv.name, err)
		}
		if err := b.checkShape(e); err != nil {
			t.Errorf("%s: %v", bv.name, err)
		}
		if errs := b.verifyProofs(e); len(errs) > 0 {
			t.Errorf("%s: %s", bv.name, joinErrs(errs))
		}
		// The nonces and plaintexts of the row, and the codes they unpack to.
		seedI := nonceChild(b.boundSeed(mustHex(bv.v.NonceSeed)), "contest", uint64(ci))
		var ms []*r255.Element
		for k, ct := range b.contests[ci].cts {
			r := nonceScalar(nonceChild(seedI, "column", uint64(k)), "encryption", 0)
			if hex.EncodeToString(encS(r)) != bv.v.Nonces[k] {
				t.Errorf("%s: column %d: nonce differs", bv.name, k)
			}
			A, _ := element(ct[:32])
			B, _ := element(ct[32:])
			if !eq(A, mulG(r)) {
				t.Errorf("%s: column %d: A ≠ r·G", bv.name, k)
			}
			M := sub(B, mul(x, A))
			if hex.EncodeToString(enc(M)) != bv.v.Plaintexts[k] {
				t.Errorf("%s: column %d: plaintext differs", bv.name, k)
			}
			ms = append(ms, M)
		}
		codes, err := unpackCodes(ms, int(mc.Limit), maxCode)
		if err != nil {
			t.Errorf("%s: %v", bv.name, err)
		}
		var want []uint32
		for c := range bv.v.Vote[mc.ID] {
			var n uint32
			fmt.Sscan(c, &n)
			want = append(want, n)
		}
		sort.Slice(want, func(a, b int) bool { return want[a] < want[b] })
		if fmt.Sprint(codes) != fmt.Sprint(want) {
			t.Errorf("%s: row unpacks to %v, the vote is %v (in ascending order)", bv.name, codes, want)
		}
		// Tampered: a row's Schnorr response, or the row moved to another column.
		p := b.contests[ci].proofs[0]
		p[40] ^= 1
		if len(b.verifyProofs(e)) == 0 {
			t.Errorf("%s: tampered proof of knowledge accepted", bv.name)
		}
		p[40] ^= 1
		b.j.BallotID += "x"
		if len(b.verifyProofs(e)) == 0 {
			t.Errorf("%s: proof of knowledge accepted in another ballot", bv.name)
		}
	}
}
