package mixnet

import (
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/group"
)

type testServer struct {
	key ed25519.PrivateKey
	pub ed25519.PublicKey
}

func testServers(n int) ([]testServer, []ed25519.PublicKey) {
	out := make([]testServer, n)
	pubs := make([]ed25519.PublicKey, n)
	for i := range out {
		seed := make([]byte, 32)
		copy(seed, fmt.Sprint("mix server ", i))
		out[i].key = ed25519.NewKeyFromSeed(seed)
		out[i].pub = out[i].key.Public().(ed25519.PublicKey)
		pubs[i] = out[i].pub
	}
	return out, pubs
}

// mixNext has server s mix the cascade's current list.
func mixNext(t *testing.T, p *Params, c *Cascade, s testServer) *Stage {
	t.Helper()
	idx, in := c.Next()
	st, err := Mix(p, idx, s.key, in, testNonces(t, fmt.Sprint("server ", string(s.pub[:4]), idx)))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestCascadeAllAccepted(t *testing.T) {
	p, sk := testParams(t)
	in := testRows(t, p.PublicKey, 12, 2)
	servers, pubs := testServers(3)
	c, err := NewCascade(p, pubs, 3, in)
	if err != nil {
		t.Fatal(err)
	}
	var stages []*Stage
	for _, s := range servers {
		st := mixNext(t, p, c, s)
		if v := c.Add(st); !v.Accepted {
			t.Fatal(v)
		}
		stages = append(stages, st)
	}
	out, err := c.Output()
	if err != nil {
		t.Fatal(err)
	}
	checkIsShuffle(t, sk, in, out)

	// A verifier reading the record (the stages as bytes) reaches the same
	// list and verdicts.
	parsed := make([]*Stage, len(stages))
	for i, st := range stages {
		if parsed[i], err = ParseStage(st.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	out2, verdicts, err := VerifyCascade(p, pubs, 3, in, parsed)
	if err != nil {
		t.Fatal(err)
	}
	if out2.Digest() != out.Digest() || len(verdicts) != 3 {
		t.Fatal("VerifyCascade disagrees with the cascade")
	}
	for _, v := range verdicts {
		if !v.Accepted || v.String() != fmt.Sprintf("stage %d: accepted", v.Stage) {
			t.Fatal(v)
		}
	}
}

// TestCascadeFailedStageSkipped: a stage with a bad proof is rejected and
// named; the next server mixes the list the rejected one should have
// mixed, and the cascade completes with the remaining servers.
func TestCascadeFailedStageSkipped(t *testing.T) {
	p, sk := testParams(t)
	in := testRows(t, p.PublicKey, 10, 1)
	servers, pubs := testServers(3)
	c, _ := NewCascade(p, pubs, 2, in)
	if v := c.Add(mixNext(t, p, c, servers[0])); !v.Accepted {
		t.Fatal(v)
	}
	_, afterFirst := c.Next()

	// Server 1 swaps two of its output rows after proving, and signs that.
	bad := mixNext(t, p, c, servers[1])
	rows := bad.Output.Bytes()
	row := func(i int) []byte { return rows[8+64*i : 8+64*(i+1)] }
	tmp := append([]byte(nil), row(0)...)
	copy(row(0), row(1))
	copy(row(1), tmp)
	if bad.Output, _ = ParseRows(rows); bad.Output == nil {
		t.Fatal("cannot rebuild the rows")
	}
	h := bad.Hash(p)
	bad.Signature = ed25519.Sign(servers[1].key, h[:])
	v := c.Add(bad)
	if v.Accepted || v.Check != CheckProof || v.Stage != 1 || !strings.Contains(v.Err.Error(), "stage 1") {
		t.Fatalf("bad stage: %v", v)
	}
	idx, cur := c.Next()
	if idx != 2 || cur.Digest() != afterFirst.Digest() {
		t.Fatal("the cascade did not continue from the rejected stage's input")
	}
	// The rejected server may not try again.
	if v := c.Add(mixNext(t, p, c, servers[1])); v.Accepted || v.Check != CheckServer {
		t.Fatalf("rejected server mixed again: %v", v)
	}
	// Server 2 mixes the output of stage 0, at position 3.
	if v := c.Add(mixNext(t, p, c, servers[2])); !v.Accepted || v.Stage != 3 {
		t.Fatal(v)
	}
	out, err := c.Output()
	if err != nil {
		t.Fatal(err)
	}
	checkIsShuffle(t, sk, in, out)
	vs := c.Verdicts()
	if len(vs) != 4 || !vs[0].Accepted || vs[1].Accepted || vs[2].Accepted || !vs[3].Accepted {
		t.Fatal(vs)
	}
}

func TestCascadeServerSigningTwiceRefused(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 4, 1)
	servers, pubs := testServers(2)
	c, _ := NewCascade(p, pubs, 1, in)
	if v := c.Add(mixNext(t, p, c, servers[0])); !v.Accepted {
		t.Fatal(v)
	}
	v := c.Add(mixNext(t, p, c, servers[0]))
	if v.Accepted || v.Check != CheckServer || !strings.Contains(v.Err.Error(), "already mixed, in stage 0") {
		t.Fatalf("second stage of one server: %v", v)
	}
	// The current list is still stage 0's output, and the cascade is
	// complete with one accepted stage.
	if _, err := c.Output(); err != nil {
		t.Fatal(err)
	}
}

func TestCascadeRejections(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 4, 1)
	servers, pubs := testServers(3)
	outsider, _ := testServers(4)

	t.Run("unauthorised", func(t *testing.T) {
		c, _ := NewCascade(p, pubs, 1, in)
		if v := c.Add(mixNext(t, p, c, outsider[3])); v.Accepted || v.Check != CheckServer {
			t.Fatal(v)
		}
	})
	t.Run("index", func(t *testing.T) {
		c, _ := NewCascade(p, pubs, 1, in)
		st, _ := Mix(p, 5, servers[0].key, in, testNonces(t, "x"))
		if v := c.Add(st); v.Accepted || v.Check != CheckIndex {
			t.Fatal(v)
		}
	})
	t.Run("signature", func(t *testing.T) {
		c, _ := NewCascade(p, pubs, 1, in)
		st := mixNext(t, p, c, servers[0])
		st.Signature[0] ^= 1
		if v := c.Add(st); v.Accepted || v.Check != CheckSignature {
			t.Fatal(v)
		}
		// Someone posting a stage in server 0's name does not exclude it.
		if v := c.Add(mixNext(t, p, c, servers[0])); !v.Accepted {
			t.Fatal(v)
		}
	})
	t.Run("signature by another server", func(t *testing.T) {
		c, _ := NewCascade(p, pubs, 1, in)
		st := mixNext(t, p, c, servers[0])
		st.Server = servers[1].pub
		if v := c.Add(st); v.Accepted || v.Check != CheckSignature {
			t.Fatal(v)
		}
	})
	t.Run("input", func(t *testing.T) {
		c, _ := NewCascade(p, pubs, 1, in)
		other := testRows(t, p.PublicKey, 4, 1)
		other2, _ := Mix(p, 0, servers[2].key, other, testNonces(t, "o"))
		st, _ := Mix(p, 0, servers[0].key, other2.Output, testNonces(t, "y"))
		if v := c.Add(st); v.Accepted || v.Check != CheckInput {
			t.Fatal(v)
		}
	})
	t.Run("tampered field", func(t *testing.T) {
		c, _ := NewCascade(p, pubs, 1, in)
		st := mixNext(t, p, c, servers[0])
		st.Input[0] ^= 1 // signed digest no longer matches
		if v := c.Add(st); v.Accepted || v.Check != CheckSignature {
			t.Fatal(v)
		}
	})
	t.Run("incomplete", func(t *testing.T) {
		c, _ := NewCascade(p, pubs, 1, in)
		if v := c.Add(nil); v.Accepted || v.Check != CheckDecoding {
			t.Fatal(v)
		}
		if v := c.Add(&Stage{Index: 1}); v.Accepted || v.Check != CheckDecoding {
			t.Fatal(v)
		}
	})
	t.Run("not enough stages", func(t *testing.T) {
		c, _ := NewCascade(p, pubs, 2, in)
		c.Add(mixNext(t, p, c, servers[0]))
		if _, err := c.Output(); err == nil || !strings.Contains(err.Error(), "1 of 1 stage accepted, 2 required") {
			t.Fatal(err)
		}
		_, vs, err := VerifyCascade(p, pubs, 3, in, nil)
		if err == nil || len(vs) != 0 {
			t.Fatal("an empty cascade was complete")
		}
	})
	t.Run("bad configuration", func(t *testing.T) {
		for _, m := range []int{0, 4} {
			if _, err := NewCascade(p, pubs, m, in); err == nil {
				t.Errorf("minAccepted %d accepted", m)
			}
		}
		if _, err := NewCascade(p, []ed25519.PublicKey{pubs[0], pubs[0]}, 1, in); err == nil {
			t.Error("a server listed twice was accepted")
		}
		if _, err := NewCascade(&Params{BaseHash: p.BaseHash, Cascade: p.Cascade}, pubs, 1, in); err == nil {
			t.Error("missing public key accepted")
		}
		if _, err := NewCascade(&Params{BaseHash: p.BaseHash, PublicKey: p.PublicKey}, pubs, 1, in); err == nil || !strings.Contains(err.Error(), "cascade identifier") {
			t.Errorf("missing cascade identifier: %v", err)
		}
	})
}

// TestStageBoundToElection: a stage signed for one election does not
// verify in another.
func TestStageBoundToElection(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 3, 1)
	servers, _ := testServers(1)
	st, err := Mix(p, 0, servers[0].key, in, testNonces(t, "e"))
	if err != nil {
		t.Fatal(err)
	}
	other := &Params{BaseHash: group.NewScalar().SetUint64(9).Bytes(), Cascade: p.Cascade, PublicKey: p.PublicKey}
	if err := st.Verify(other, in); err == nil || !strings.Contains(err.Error(), "signature") {
		t.Fatal(err)
	}
}

// TestCascadeStageCopiedFromAnotherContest: burning an honest mix server
// (issue 10, attack 3). Server 0 mixes contest A's list as stage 0 of A's
// cascade; someone copies that signed stage into contest B's folder at the
// same index. It is refused in B, and it does not count as server 0's turn
// there: server 0's genuine stage of B, at the next position, is accepted.
func TestCascadeStageCopiedFromAnotherContest(t *testing.T) {
	p, sk := testParams(t)
	pA, pB := *p, *p
	pA.Cascade, pB.Cascade = CascadeID(0, "council"), CascadeID(1, "village council")
	servers, pubs := testServers(3)
	inA := testRows(t, p.PublicKey, 5, 1)
	inB, _, err := Shuffle(&pB, 9, inA, testNonces(t, "contest B's ballots"))
	if err != nil {
		t.Fatal(err)
	}
	cA, _ := NewCascade(&pA, pubs, 2, inA)
	stageA := mixNext(t, &pA, cA, servers[0])
	if v := cA.Add(stageA); !v.Accepted {
		t.Fatal(v)
	}

	cB, _ := NewCascade(&pB, pubs, 2, inB)
	copied, err := ParseStage(stageA.Bytes()) // as a verifier reads B's folder
	if err != nil {
		t.Fatal(err)
	}
	if v := cB.Add(copied); v.Accepted || v.Check != CheckSignature {
		t.Fatalf("contest A's stage in contest B: %v, want rejected for its signature", v)
	}
	if v := cB.Add(mixNext(t, &pB, cB, servers[0])); !v.Accepted || v.Stage != 1 {
		t.Fatalf("server 0's genuine stage of contest B: %v", v)
	}
	if v := cB.Add(mixNext(t, &pB, cB, servers[1])); !v.Accepted {
		t.Fatal(v)
	}
	out, err := cB.Output()
	if err != nil {
		t.Fatal(err)
	}
	checkIsShuffle(t, sk, inB, out)
}

// TestCascadeReplayedStageDoesNotBurn: a stage that server 0 honestly
// signed for this cascade and position, but for another current list (a
// fork: an earlier run of the cascade whose stage 0 was another server's),
// is replayed at its position. It is rejected for its input and does not
// count as server 0's turn: server 0's genuine stage, at the next
// position, is accepted.
func TestCascadeReplayedStageDoesNotBurn(t *testing.T) {
	p, sk := testParams(t)
	in := testRows(t, p.PublicKey, 6, 2)
	servers, pubs := testServers(3)

	fork, _ := NewCascade(p, pubs, 2, in)
	if v := fork.Add(mixNext(t, p, fork, servers[1])); !v.Accepted {
		t.Fatal(v)
	}
	replayed := mixNext(t, p, fork, servers[0]) // index 1, mixing server 1's output
	if v := fork.Add(replayed); !v.Accepted {
		t.Fatal(v)
	}

	c, _ := NewCascade(p, pubs, 2, in)
	if v := c.Add(mixNext(t, p, c, servers[2])); !v.Accepted {
		t.Fatal(v)
	}
	if v := c.Add(replayed); v.Accepted || v.Check != CheckInput || v.Stage != 1 {
		t.Fatalf("replayed stage: %v, want rejected for its input", v)
	}
	if v := c.Add(mixNext(t, p, c, servers[0])); !v.Accepted || v.Stage != 2 {
		t.Fatalf("server 0's genuine stage after the replay: %v", v)
	}
	out, err := c.Output()
	if err != nil {
		t.Fatal(err)
	}
	checkIsShuffle(t, sk, in, out)
	// Having mixed, server 0 is refused for that first, even for a stage
	// of another list: check 5 (server) comes before check 6 (input).
	if v := c.Add(replayed); v.Accepted || v.Check != CheckIndex {
		t.Fatalf("replay at position 3: %v", v)
	}
	again, err := Mix(p, 4, servers[0].key, in, testNonces(t, "again"))
	if err != nil {
		t.Fatal(err)
	}
	if v := c.Add(again); v.Accepted || v.Check != CheckServer || !strings.Contains(v.Err.Error(), "already mixed, in stage 2") {
		t.Fatalf("server 0 mixing again: %v", v)
	}
}
