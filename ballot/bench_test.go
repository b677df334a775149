package ballot

import (
	"fmt"
	"testing"

	"github.com/sandogh/sandogh/group"
)

// boardManifest is the benchmark election: one contest, 15 candidates,
// vote for up to 7.
func boardManifest() *Manifest {
	c := Contest{ID: "board", Kind: UpTo, Limit: 7, Seats: 7, Alternates: 3}
	for i := range 15 {
		c.Candidates = append(c.Candidates, Candidate{Code: uint32(101 + i), Name: fmt.Sprintf("Candidate %d", 101+i)})
	}
	return &Manifest{ElectionID: "bench", Policy: OneBallotPerCredential, Contests: []Contest{c}}
}

func boardVote() Vote {
	return Vote{"board": {101: 1, 103: 1, 104: 1, 108: 1, 110: 1, 113: 1, 115: 1}}
}

// listBench is the list benchmark election: one list contest of lists
// lists of per candidates each, P = 3 preferences, under rule, and a vote
// for list 1 with three of its candidates.
func listBench(lists, per int, rule ListRule) (*Manifest, Vote) {
	c := Contest{ID: "council", Kind: ProportionalList, Seats: 21, Alternates: 3, ListRule: rule, Preferences: 3, CandidatesOnly: true, Method: DHondt}
	for l := range lists {
		pl := PartyList{Code: uint32(l + 1), Name: fmt.Sprintf("List %d", l+1)}
		for k := range per {
			code := uint32(100*(l+1) + k + 1)
			c.Candidates = append(c.Candidates, Candidate{Code: code, Name: fmt.Sprintf("Candidate %d", code)})
			pl.Candidates = append(pl.Candidates, code)
		}
		c.Lists = append(c.Lists, pl)
	}
	m := &Manifest{ElectionID: "bench", Policy: OneBallotPerCredential, Contests: []Contest{c}}
	return m, Vote{"council": {1: 1, 101: 1, 103: 1, 107: 1}}
}

// listBenches are the list ballots of the benchmarks: 8 lists of 15
// candidates, open and panachage.
var listBenches = []struct {
	name string
	rule ListRule
}{{"list-8x15-open", OpenList}, {"list-8x15-panachage", Panachage}}

// BenchmarkScalarBaseMult is group's FBM unit, measured here so that the
// ratios of this package's benchmarks read off one run.
func BenchmarkScalarBaseMult(b *testing.B) {
	s := group.HashToScalar([]byte("bench"), []byte("sandogh-v1 ballot bench"))
	e := group.NewElement()
	for b.Loop() {
		e.ScalarBaseMult(s)
	}
}

// BenchmarkEncryptBallot encrypts one ballot per iteration, on one core
// (encryption is sequential).
func BenchmarkEncryptBallot(b *testing.B) {
	b.Run("board-15-choose-7", func(b *testing.B) {
		f := newFixture(b, boardManifest())
		h := Header{BallotID: "bench", Credential: f.credentials[0].PublicKey()}
		v := boardVote()
		seed := seedOf("bench seed")
		f.e.PublicKey().ScalarMult(group.NewElement(), group.NewScalar()) // build the key's table
		for b.Loop() {
			if _, err := EncryptBallot(f.e, h, v, seed); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, lb := range listBenches {
		b.Run(lb.name, func(b *testing.B) {
			m, v := listBench(8, 15, lb.rule)
			f := newFixture(b, m)
			h := Header{BallotID: "bench", Credential: f.credentials[0].PublicKey()}
			seed := seedOf("bench seed")
			f.e.PublicKey().ScalarMult(group.NewElement(), group.NewScalar())
			for b.Loop() {
				if _, err := EncryptBallot(f.e, h, v, seed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyBallot verifies one decoded ballot per iteration: every
// check of VerifyBallot (signature, eligibility, shape, all proofs batched).
// Decoding is outside the timed loop; BenchmarkDecodeBallot measures it.
func BenchmarkVerifyBallot(b *testing.B) {
	b.Run("board-15-choose-7", func(b *testing.B) {
		f := newFixture(b, boardManifest())
		bl := f.credentialBallot(b, "bench", 0, boardVote())
		bl, err := ParseBallot(bl.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := VerifyBallot(f.e, bl); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, lb := range listBenches {
		b.Run(lb.name, func(b *testing.B) {
			m, v := listBench(8, 15, lb.rule)
			f := newFixture(b, m)
			bl := f.credentialBallot(b, "bench", 0, v)
			bl, err := ParseBallot(bl.Bytes())
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := VerifyBallot(f.e, bl); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyBallots verifies batches of decoded ballots with
// VerifyBallots and reports the time per ballot: the proofs of the whole
// batch go into one multi-scalar multiplication.
func BenchmarkVerifyBallots(b *testing.B) {
	f := newFixture(b, boardManifest())
	var all []*Ballot
	for i := range 64 {
		bl := f.credentialBallot(b, fmt.Sprint("bench-", i), i%len(f.credentials), boardVote())
		bl, err := ParseBallot(bl.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, bl)
	}
	for _, n := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("board-15-choose-7/batch=%d", n), func(b *testing.B) {
			for b.Loop() {
				for i, err := range VerifyBallots(f.e, all[:n]) {
					if err != nil {
						b.Fatalf("ballot %d: %v", i, err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/ballot")
		})
	}
}

// BenchmarkDecodeBallot decodes the canonical encoding of one ballot per
// iteration (every element and scalar strictly decoded), in full and with
// the ballot's decoding hints (ParseBallotHinted, as the box over HTTP).
func BenchmarkDecodeBallot(b *testing.B) {
	b.Run("board-15-choose-7", func(b *testing.B) {
		f := newFixture(b, boardManifest())
		data := f.credentialBallot(b, "bench", 0, boardVote()).Bytes()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := ParseBallot(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("board-15-choose-7-hinted", func(b *testing.B) {
		f := newFixture(b, boardManifest())
		bl := f.credentialBallot(b, "bench", 0, boardVote())
		data, hints := bl.Bytes(), bl.DecodingHints()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := ParseBallotHinted(data, hints); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeBallotJSON decodes the JSON form of one ballot per
// iteration, as a verifier reads a ballot box: "scan" is MarshalJSON's own
// form, which UnmarshalJSON scans directly; "general" is the same ballot
// with one space added, which takes the general decoder.
func BenchmarkDecodeBallotJSON(b *testing.B) {
	f := newFixture(b, boardManifest())
	j, err := f.credentialBallot(b, "bench", 0, boardVote()).MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	for _, form := range []struct {
		name string
		data []byte
	}{{"scan", j}, {"general", append([]byte("{ "), j[1:]...)}} {
		b.Run("board-15-choose-7/"+form.name, func(b *testing.B) {
			b.SetBytes(int64(len(form.data)))
			for b.Loop() {
				var bl Ballot
				if err := bl.UnmarshalJSON(form.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// councilBench returns the manifest of a council election of m candidates
// with codes 1..m, up to n codes per ballot, and a vote writing n codes.
func councilBench(m, n int) (*Manifest, Vote) {
	c := Contest{ID: "council", Kind: CodeList, Limit: uint32(n), Seats: uint32(n), MixStages: 2}
	for i := range m {
		c.Candidates = append(c.Candidates, Candidate{Code: uint32(i + 1), Name: fmt.Sprintf("Candidate %d", i+1)})
	}
	codes := make([]uint32, n)
	for k := range codes {
		codes[k] = uint32(m - 3*k) // spread over the list, written in descending order
	}
	v := Vote{}
	if err := v.SetCodes("council", codes); err != nil {
		panic(err)
	}
	return &Manifest{ElectionID: "bench", Policy: OneBallotPerCredential, Contests: []Contest{c}}, v
}

var councilBenches = []struct {
	name string
	m, n int
}{{"council-400-write-21", 400, 21}, {"council-10000-write-50", 10000, 50}}

// BenchmarkEncryptCodeListBallot encrypts one ballot of a CodeList contest per
// iteration, on one core: the vote's checks against the manifest, packing,
// and per column one encryption and one Schnorr proof.
func BenchmarkEncryptCodeListBallot(b *testing.B) {
	for _, bc := range councilBenches {
		b.Run(bc.name, func(b *testing.B) {
			m, v := councilBench(bc.m, bc.n)
			f := newFixture(b, m)
			h := Header{BallotID: "bench", Credential: f.credentials[0].PublicKey()}
			seed := seedOf("bench seed")
			f.e.PublicKey().ScalarMult(group.NewElement(), group.NewScalar())
			for b.Loop() {
				if _, err := EncryptBallot(f.e, h, v, seed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyCodeListBallots verifies a batch of 64 decoded ballots of a
// CodeList contest with VerifyBallots and reports the time per ballot.
func BenchmarkVerifyCodeListBallots(b *testing.B) {
	for _, bc := range councilBenches {
		b.Run(bc.name+"/batch=64", func(b *testing.B) {
			m, v := councilBench(bc.m, bc.n)
			f := newFixture(b, m)
			var all []*Ballot
			for i := range 64 {
				bl := f.credentialBallot(b, fmt.Sprint("bench-", i), i%len(f.credentials), v)
				bl, err := ParseBallot(bl.Bytes())
				if err != nil {
					b.Fatal(err)
				}
				all = append(all, bl)
			}
			for b.Loop() {
				for i, err := range VerifyBallots(f.e, all) {
					if err != nil {
						b.Fatalf("ballot %d: %v", i, err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(all)), "µs/ballot")
		})
	}
}
