package trustee

import (
	"crypto/sha512"
	"fmt"
	"os"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/sealed"
)

func TestMain(m *testing.M) {
	// Argon2id at its default cost takes a tenth of a second per file;
	// the tests seal dozens. The sealed-file format itself is tested in
	// internal/sealed with the default parameters.
	sealParams = sealed.Params{Time: 1, Memory: 64, Threads: 1}
	os.Exit(m.Run())
}

// seeded returns n bytes derived from a label, for reproducible tests.
func seeded(label string, n int) []byte {
	h := sha512.Sum512([]byte("sandogh-v1 trustee test " + label))
	return h[:n]
}

func seededScalar(label string) *group.Scalar {
	s, err := new(group.Scalar).SetUniformBytes(seeded(label, 64))
	if err != nil {
		panic(err)
	}
	return s
}

var names = []string{"Azadeh", "Bijan", "Cyrus", "Darya", "Elham", "Farhad", "Golnar", "Hamid", "Iran", "Jamshid"}

// testIdentities returns n identities from fixed seeds.
func testIdentities(tb testing.TB, n int) []*Identity {
	ids := make([]*Identity, n)
	for k := range ids {
		id, err := newIdentity(names[k%len(names)]+fmt.Sprint(k/len(names)+1), seeded(fmt.Sprint("ed25519 ", k), 32), seeded(fmt.Sprint("x25519 ", k), 32))
		if err != nil {
			tb.Fatal(err)
		}
		ids[k] = id
	}
	return ids
}

func testRoster(tb testing.TB, ids []*Identity, t int) *Roster {
	ms := make([]Member, len(ids))
	for k, id := range ids {
		ms[k] = id.Member(k + 1)
	}
	r, err := NewRoster("test election 1404", t, ms)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// testTrustees returns trustees with polynomials and nonce seeds from fixed
// seeds.
func testTrustees(tb testing.TB, n, t int) (*Roster, []*Trustee) {
	ids := testIdentities(tb, n)
	r := testRoster(tb, ids, t)
	ts := make([]*Trustee, n)
	for k := range ts {
		coeffs := make([]*group.Scalar, t)
		for c := range coeffs {
			coeffs[c] = seededScalar(fmt.Sprint("coefficient ", k, " ", c))
		}
		tr, err := newTrustee(r, ids[k], coeffs, seeded(fmt.Sprint("nonce seed ", k), 32))
		if err != nil {
			tb.Fatal(err)
		}
		ts[k] = tr
	}
	return r, ts
}

// hooks let a test misbehave between rounds.
type hooks struct {
	round1    func(c *Ceremony)
	round2    func(c *Ceremony)
	complain  func(c *Ceremony)
	respond   func(c *Ceremony)
	skipRecv  map[int]bool // trustees that do not run ReceiveShares
	skipReply map[int]bool // dealers that do not answer complaints
}

// runCeremony runs every round in memory and returns the published
// ceremony; it does not call Finish.
func runCeremony(tb testing.TB, r *Roster, ts []*Trustee, h hooks) *Ceremony {
	tb.Helper()
	c := &Ceremony{Roster: r}
	for _, tr := range ts {
		m, err := tr.Round1()
		if err != nil {
			tb.Fatal(err)
		}
		c.Commitments = append(c.Commitments, m)
	}
	if h.round1 != nil {
		h.round1(c)
	}
	for _, tr := range ts {
		ms, err := tr.Round2()
		if err != nil {
			tb.Fatal(err)
		}
		c.Shares = append(c.Shares, ms...)
	}
	if h.round2 != nil {
		h.round2(c)
	}
	for _, tr := range ts {
		if h.skipRecv[tr.index] {
			continue
		}
		ms, err := tr.ReceiveShares(c.Commitments, c.Shares)
		if err != nil {
			tb.Fatal(err)
		}
		c.Complaints = append(c.Complaints, ms...)
	}
	if h.complain != nil {
		h.complain(c)
	}
	for _, tr := range ts {
		if h.skipReply[tr.index] {
			continue
		}
		ms, err := tr.Respond(c.Complaints)
		if err != nil {
			tb.Fatal(err)
		}
		c.Responses = append(c.Responses, ms...)
	}
	if h.respond != nil {
		h.respond(c)
	}
	return c
}

// finishAll runs Finish for every trustee and checks that they agree with
// VerifyCeremony.
func finishAll(tb testing.TB, c *Ceremony, ts []*Trustee) (*Result, []*KeyShare) {
	tb.Helper()
	res, err := VerifyCeremony(c)
	if err != nil {
		tb.Fatal(err)
	}
	want, _ := res.MarshalJSON()
	keys := make([]*KeyShare, len(ts))
	for k, tr := range ts {
		r, ks, err := tr.Finish(c)
		if err != nil {
			tb.Fatalf("trustee %d: %v", tr.index, err)
		}
		got, _ := r.MarshalJSON()
		if string(got) != string(want) {
			tb.Fatalf("trustee %d derived another result:\n%s\nwant\n%s", tr.index, got, want)
		}
		keys[k] = ks
	}
	return res, keys
}

// testCiphertexts encrypts 0..n−1 (mod 7) under pk with fixed nonces.
func testCiphertexts(pk *elgamal.PublicKey, n int) ([]*elgamal.Ciphertext, []uint64) {
	cts := make([]*elgamal.Ciphertext, n)
	ms := make([]uint64, n)
	for i := range cts {
		ms[i] = uint64(i % 7)
		cts[i] = pk.Encrypt(new(group.Scalar).SetUint64(ms[i]), seededScalar(fmt.Sprint("encryption nonce ", i)))
	}
	return cts, ms
}
