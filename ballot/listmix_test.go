package ballot

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// mixedListManifest is listManifest with the list contest sent through
// the mixnet (mixStages 2).
func mixedListManifest(rule ListRule, candidatesOnly, strict bool) *Manifest {
	m := listManifest(rule, candidatesOnly, strict)
	m.Contests[0].MixStages = 2
	return m
}

// TestMixedListEncoding: mixStages selects the path of a list contest, a
// homomorphic list contest keeps its encoding byte for byte (the block of
// TestListManifest and the vectors), and a mixed one's block is the same
// followed by u32(mixStages).
func TestMixedListEncoding(t *testing.T) {
	hom := listManifest(Panachage, true, false)
	mix := mixedListManifest(Panachage, true, false)
	if hom.Contests[0].Mixed() || !mix.Contests[0].Mixed() {
		t.Fatal("Mixed() does not follow mixStages")
	}
	if err := mix.Validate(); err != nil {
		t.Fatal(err)
	}
	a, b := hom.Encode(), mix.Encode()
	if hom.Hash() == mix.Hash() {
		t.Fatal("mixStages is not bound into the manifest hash")
	}
	// The block is length-prefixed: b is a with the block 4 bytes longer
	// and u32(2) at its end.
	if len(b) != len(a)+4 {
		t.Fatalf("mixed encoding is %d bytes, want %d", len(b), len(a)+4)
	}
	k := bytes.Index(b, []byte{0, 0, 0, 2, 0, 0, 0, 9}) // u32(mixStages) then u32(9 candidates)
	if k < 0 || !bytes.Equal(b[:k], withBlockLen(a[:k], 4)) || !bytes.Equal(b[k+4:], a[k:]) {
		t.Fatalf("the mixed block is not the homomorphic block followed by u32(mixStages)")
	}
	// The JSON form carries mixStages, and only for a mixed contest.
	for _, m := range []*Manifest{hom, mix} {
		j, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(j), `"mixStages"`); got != m.Contests[0].Mixed() {
			t.Fatalf("mixStages in JSON: %t", got)
		}
		back, err := ParseManifest(j)
		if err != nil || back.Hash() != m.Hash() {
			t.Fatalf("JSON round trip: %v", err)
		}
	}
}

// withBlockLen returns the prefix a of an encoding with the length of the
// list contest's parameter block, the u32 after its kind string "list",
// increased by d.
func withBlockLen(a []byte, d uint32) []byte {
	out := bytes.Clone(a)
	k := bytes.Index(out, []byte("\x00\x00\x00\x04list")) + 8
	n := binary.BigEndian.Uint32(out[k:]) + d
	binary.BigEndian.PutUint32(out[k:], n)
	return out
}

// TestMixedListValidate: what a mixed list contest may not have, named.
func TestMixedListValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(m *Manifest)
		want string
	}{
		{func(m *Manifest) { m.Contests[0].Lists[1].Code = 0 }, "list 1: code 0 is outside 1..1048575"},
		{func(m *Manifest) { m.Contests[0].Lists[1].Code = MaxCandidateCode + 1 }, "list 1: code 1048576 is outside 1..1048575"},
		{func(m *Manifest) { m.Contests[0].Candidates[0].Code = 0; m.Contests[0].Lists[0].Candidates[0] = 0 }, "candidate 0: code 0 is outside 1..1048575"},
		{func(m *Manifest) { m.MaxWeight = 3 }, "a list contest with mixStages 2 in a weighted election"},
	} {
		m := mixedListManifest(OpenList, false, false)
		c.edit(m)
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	// A homomorphic list contest may have code 0 for a list; a mixed one
	// may have more candidates than MaxCandidates selections allow.
	m := listManifest(OpenList, false, false)
	m.Contests[0].Lists[1].Code = 0
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	big := mixedListManifest(OpenList, false, false)
	c := &big.Contests[0]
	for j := range 1500 {
		code := uint32(1000 + j)
		c.Candidates = append(c.Candidates, Candidate{Code: code, Name: fmt.Sprintf("Extra %d", j)})
		c.Lists[j%3].Candidates = append(c.Lists[j%3].Candidates, code)
	}
	if err := big.Validate(); err != nil {
		t.Fatalf("a mixed list contest of %d candidates: %v", len(c.Candidates), err)
	}
	c.MixStages = 0
	if err := big.Validate(); err == nil || !strings.Contains(err.Error(), "1509 candidates exceed the maximum 1000") {
		t.Fatalf("a homomorphic list contest of %d candidates: %v", len(c.Candidates), err)
	}
}

// TestMixedListBallots encrypts valid votes of each rule into rows,
// decrypts the rows with the election's secret key and finds the canonical
// row (the chosen list's code and the candidates', ascending: under the
// open rule a ballot of candidates only holds its list's code), then opens
// each as a challenged ballot.
func TestMixedListBallots(t *testing.T) {
	cases := []struct {
		rule           ListRule
		candidatesOnly bool
		marks          map[uint32]uint64
		row            []uint32
	}{
		{OpenList, false, map[uint32]uint64{2: 1, 21: 1, 23: 1}, []uint32{2, 21, 23}},
		{OpenList, false, map[uint32]uint64{3: 1}, []uint32{3}},
		{OpenList, false, map[uint32]uint64{}, nil},
		{OpenList, true, map[uint32]uint64{12: 1}, []uint32{1, 12}},
		{Panachage, false, map[uint32]uint64{1: 1, 22: 1}, []uint32{1, 22}},
		{Panachage, false, map[uint32]uint64{2: 1, 11: 1, 33: 1}, []uint32{2, 11, 33}},
		{Panachage, true, map[uint32]uint64{11: 1, 33: 1}, []uint32{11, 33}},
	}
	for k, c := range cases {
		t.Run(fmt.Sprintf("%s-%d", c.rule, k), func(t *testing.T) {
			f := newFixture(t, mixedListManifest(c.rule, c.candidatesOnly, false))
			mc := &f.e.manifest.Contests[0]
			if w := mc.RowWidth(); w != elgamal.PackedWidth(3, 33) {
				t.Fatalf("row width %d", w)
			}
			v := Vote{"council": c.marks}
			b := f.credentialBallot(t, "list", 0, v)
			if err := VerifyBallot(f.e, b); err != nil {
				t.Fatal(err)
			}
			cts := b.contests[0].row
			plain := make([]*group.Element, len(cts))
			for j := range cts {
				plain[j] = f.sk.Decrypt(&cts[j].ct)
			}
			codes, err := elgamal.UnpackCodes(plain, mc.RowCodes(), mc.MaxCode())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(codes, c.row) {
				t.Fatalf("row %v, want %v", codes, c.row)
			}
			p, err := EncryptBallot(f.e, Header{BallotID: "chal", Credential: f.credentials[1].PublicKey()}, v, seedOf("chal"))
			if err != nil {
				t.Fatal(err)
			}
			ch, err := p.Challenge(f.credentials[1].PrivateKey())
			if err != nil {
				t.Fatal(err)
			}
			opened, err := OpenChallenged(f.e, ch)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := f.e.manifest.plaintext(opened)
			w, _ := f.e.manifest.plaintext(v)
			if fmt.Sprint(a[0]) != fmt.Sprint(w[0]) {
				t.Fatalf("opened %v, want %v", opened, v)
			}
		})
	}
	// The voter's checks are those of the homomorphic kind.
	f := newFixture(t, mixedListManifest(OpenList, false, false))
	_, err := EncryptBallot(f.e, Header{BallotID: "x", Credential: f.credentials[0].PublicKey()}, Vote{"council": {1: 1, 21: 1}}, seedOf("x"))
	if err == nil || !strings.Contains(err.Error(), "candidate 21 is on list 2, not on list 1") {
		t.Fatalf("got %v", err)
	}
}
