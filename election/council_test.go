package election_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/proof"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// The council test record: a small election on the mixnet path (40
// voters, 30 candidates, up to 5 codes, 2 mix stages, 4 trustees with
// threshold 2), in which a dishonest station forged three ballots whose
// rows are not valid ballots: the verifier must find them counted as
// invalid, and nothing else wrong.
var councilRecord sharedRun[*council.Outcome]

const councilSeed = "council record tests"

// forgedRows are the voters whose station forges their row, with the codes
// it packs: a repeated code, codes out of ascending order (a receipt), six
// codes for a limit of five, the canonical packing of two codes but with
// the embedding's counter bits set otherwise (a receipt in the padding, see
// recountedRows), and an element that is not a packing of codes.
var forgedRows = map[int][]uint32{3: {7, 7}, 5: {9, 4}, 7: {1, 2, 3, 4, 5, 6}, 9: {2, 5}, 11: nil}

// recountedRows are the voters of forgedRows whose element is re-embedded
// under a counter above the canonical one.
var recountedRows = map[int]bool{9: true}

func councilConfig(out string) council.Config {
	return council.Config{Voters: 40, Candidates: 30, Seats: 5, Mixers: 2, Trustees: 4, Threshold: 2, Challenged: 2, Seed: councilSeed, Out: out, Forge: forgeRow}
}

// forgeRow replaces the row of the voters of forgedRows by an encryption
// of an invalid row, with a valid proof of knowledge of its nonce, and
// signs the ballot again: what a dishonest station can do. It builds the
// ballot from the specification (docs/spec.md §Ballots): the
// transcript of the proof of knowledge, the body, the confirmation code
// and the signature message.
func forgeRow(e *ballot.Election, voter int, signed []byte, key ed25519.PrivateKey) ([]byte, error) {
	return forgeRowOf(forgedRows)(e, voter, signed, key)
}

// forgeRowOf returns forgeRow with the forged rows of rows instead of
// forgedRows.
func forgeRowOf(rows map[int][]uint32) func(e *ballot.Election, voter int, signed []byte, key ed25519.PrivateKey) ([]byte, error) {
	return func(e *ballot.Election, voter int, signed []byte, key ed25519.PrivateKey) ([]byte, error) {
		codes, ok := rows[voter]
		if !ok {
			return signed, nil
		}
		return forgeCodes(e, voter, codes, signed, key)
	}
}

func forgeCodes(e *ballot.Election, voter int, codes []uint32, signed []byte, key ed25519.PrivateKey) ([]byte, error) {
	var M *group.Element
	if codes == nil {
		M = group.HashToElement([]byte(fmt.Sprint("garbage ", voter)), []byte("sandogh election test"))
	} else {
		els, err := elgamal.PackCodes(codes, 48, 30) // every slot of the 5-bit row
		if err != nil {
			return nil, err
		}
		M = els[0]
		if recountedRows[voter] {
			E := [32]byte(M.Bytes())
			for c := int(E[0]>>6)<<7 | int(E[31]&0x7f) + 1; ; c++ {
				E[0] = E[0]&0x3f | byte(c>>7)<<6
				E[31] = byte(c & 0x7f)
				if N, err := group.NewElement().SetCanonicalBytes(E[:]); err == nil {
					M = N
					break
				}
			}
		}
	}
	return forgeElement(e, voter, M, signed, key)
}

// forgeElement replaces the one-ciphertext row of contest 0 of the signed
// ballot of voter by an encryption of M, with a valid proof of knowledge
// of its nonce, and signs the ballot again.
func forgeElement(e *ballot.Election, voter int, M *group.Element, signed []byte, key ed25519.PrivateKey) ([]byte, error) {
	b, err := ballot.ParseBallot(signed)
	if err != nil {
		return nil, err
	}
	r := group.HashToScalar([]byte(fmt.Sprint("forged nonce ", voter)), []byte("sandogh election test"))
	ct := e.PublicKey().EncryptElement(M, r)
	ctb := ct.Bytes()
	h := b.Header()
	bh := e.BaseHash()
	tr := proof.NewTranscript(ballot.BallotProtocol, bh[:])
	tr.AppendBytes("ballot-id", []byte(h.BallotID))
	if h.Credential != nil { // a remote ballot (the weighted council)
		tr.AppendBytes("credential", h.Credential)
	} else {
		tr.AppendBytes("device", []byte(h.Device))
		tr.AppendUint64("sequence", h.Sequence)
		tr.AppendBytes("previous", h.Previous[:])
	}
	tr.AppendUint64("contest", 0)
	tr.AppendUint64("column", 0)
	tr.AppendBytes("ciphertext", ctb)
	n, _ := proof.NewNonces(bytes.Repeat([]byte{byte(voter)}, 32))
	pok := proof.ProveSchnorr(tr, group.NewGeneratorElement(), &ct.A, r, n)
	// A cast ballot is body ‖ u8(1) ‖ signature; the body ends with the
	// row: u8(2) ‖ u32(1) ‖ ciphertext (64) ‖ proof (64).
	body := bytes.Clone(signed[:len(signed)-1-ed25519.SignatureSize])
	body = append(body[:len(body)-128], ctb...)
	body = append(body, pok.Bytes()...)
	code := sha512.Sum512_256(body)
	const label = "sandogh-v1/ballot-signature"
	msg := binary.BigEndian.AppendUint32(nil, uint32(len(label)))
	msg = append(append(append(msg, label...), code[:]...), byte(ballot.Cast))
	return append(append(body, byte(ballot.Cast)), ed25519.Sign(key, msg)...), nil
}

func sharedCouncil(t testing.TB) string {
	t.Helper()
	return councilRecord.get(t, "sandogh-council-test-", func(dir string) (*council.Outcome, error) {
		return council.Run(councilConfig(dir))
	})
}

// copyCouncil returns a fresh copy of the council test record.
func copyCouncil(t testing.TB) string {
	t.Helper()
	return copyTree(t, sharedCouncil(t))
}

// TestVerifyCouncilRecord: the council example's record, with its three
// forged ballots, is valid: their rows are mixed, decrypted, published and
// counted as invalid, with their reasons.
func TestVerifyCouncilRecord(t *testing.T) {
	dir := sharedCouncil(t)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		for _, f := range rep.Findings {
			t.Error(f)
		}
		t.Fatal("the council record is not valid")
	}
	for _, c := range rep.Checks {
		if c.Items == 0 && c.Check != election.CheckCredentials && c.Check != election.CheckIncidents && c.Check != election.CheckPollBook && c.Check != election.CheckRankedCounts && c.Check != election.CheckListAllocation { // no incident, no poll book, no ranked or list contest: n/a
			t.Errorf("check %d (%s) examined nothing", c.Check, c.Check)
		}
	}
	if councilRecord.out.Invalid != len(forgedRows) || councilRecord.out.Results.Contests[0].Invalid != uint64(len(forgedRows)) {
		t.Errorf("%d invalid rows, want the %d forged ones", councilRecord.out.Invalid, len(forgedRows))
	}
	if got := rep.Ballots; got.Cast != int64(councilRecord.out.Cast) || got.Counted != int64(councilRecord.out.Counted) || got.Counted != 40 {
		t.Errorf("ballots %+v, outcome %+v", got, councilRecord.out)
	}
	if len(rep.Cascades) != 1 {
		t.Fatalf("cascades %+v", rep.Cascades)
	}
	c := rep.Cascades[0]
	if c.Contest != council.ContestID || c.Rows != 40 || c.Required != 2 || !c.Complete || len(c.Stages) != 2 {
		t.Errorf("cascade %+v", c)
	}
	for k, s := range c.Stages {
		if !s.Accepted || s.Trustee != k+1 || s.File != fmt.Sprintf("mixnet/0/stages/%d.bin", k) {
			t.Errorf("stage %+v", s)
		}
	}
	// The published rows name the reasons.
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := r.DecodedRows(0)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[tally.InvalidReason]int{}
	for _, row := range rows {
		reasons[row.Invalid]++
	}
	if len(rows) != 40 || reasons[tally.InvalidRepeatedCode] != 1 || reasons[tally.InvalidUnsortedCodes] != 1 || reasons[tally.InvalidTooManyCodes] != 1 || reasons[tally.InvalidPacking] != 2 {
		t.Errorf("%d rows, reasons %v", len(rows), reasons)
	}
	lists, err := r.RowShareLists(0)
	if err != nil || len(lists) != 3 {
		t.Errorf("%d row share lists: %v", len(lists), err)
	}
	if _, err := r.MixStage(0, 1); err != nil {
		t.Error(err)
	}
}

// councilElection reads the election of a council record.
func councilElection(t *testing.T, dir string) (*ballot.Election, *mixnet.Params) {
	t.Helper()
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	p, err := election.MixParams(e, 0)
	if err != nil {
		t.Fatal(err)
	}
	return e, p
}

// editStage decodes stage k of the council contest, lets edit change it,
// and writes it back.
func editStage(t *testing.T, dir string, k int, edit func(s *mixnet.Stage, p *mixnet.Params)) {
	t.Helper()
	_, p := councilElection(t, dir)
	path := filepath.Join(dir, "mixnet", "0", "stages", fmt.Sprintf("%d.bin", k))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := mixnet.ParseStage(data)
	if err != nil {
		t.Fatal(err)
	}
	edit(s, p)
	if err := os.WriteFile(path, s.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// flipFileByte flips the low bit of the byte at offset at (negative: from
// the end) of a file.
func flipFileByte(t *testing.T, path string, at int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if at < 0 {
		at += len(data)
	}
	data[at] ^= 1
	os.WriteFile(path, data, 0o644)
}

// editDecrypted rewrites the lines of decrypted.jsonl that pick selects.
func editDecrypted(t *testing.T, dir string, pick func(row map[string]any) bool, edit func(row map[string]any, lines [][]byte)) {
	t.Helper()
	path := filepath.Join(dir, "mixnet", "0", "decrypted.jsonl")
	lines := readLines(t, path)
	for i, l := range lines {
		m := obj(decodeJSON(t, l))
		if pick(m) {
			edit(m, lines)
			lines[i] = encodeJSONLine(t, m)
			writeLines(t, path, lines)
			return
		}
	}
	t.Fatal("no row matches")
}

func isValidRow(m map[string]any) bool {
	_, bad := m["invalid"]
	return !bad && len(arr(m["codes"])) > 1
}

func editCouncilResults(t *testing.T, dir string, edit func(c *tally.ContestResult)) {
	editResults(t, filepath.Join(dir, "results.json"), func(r *tally.Results) { edit(&r.Contests[0]) })
}

var councilTampers = []tamper{
	{"stage output row replaced", election.CheckMixStages, false, func(t *testing.T, dir string) {
		// A dishonest mix server replaces a row by a copy of another and
		// signs: its proof fails.
		editStage(t, dir, 1, func(s *mixnet.Stage, p *mixnet.Params) {
			var rows [][]*elgamal.Ciphertext
			for i := range s.Output.Len() {
				rows = append(rows, s.Output.Row(i))
			}
			rows[0] = rows[1]
			out, err := mixnet.NewRows(rows)
			if err != nil {
				t.Fatal(err)
			}
			s.Output = out
			h := s.Hash(p)
			s.Signature = ed25519.Sign(council.MixServerKey(councilSeed, 2), h[:])
		})
	}},
	{"stage proof byte", election.CheckMixStages, false, onFile("mixnet/0/stages/1.bin", func(t *testing.T, p string) {
		flipFileByte(t, p, -ed25519.SignatureSize-32) // the first byte of the last response s'_n
	})},
	{"stage signature", election.CheckMixStages, false, onFile("mixnet/0/stages/0.bin", func(t *testing.T, p string) {
		flipFileByte(t, p, -1)
	})},
	{"one server signs two stages", election.CheckMixStages, false, func(t *testing.T, dir string) {
		editStage(t, dir, 1, func(s *mixnet.Stage, p *mixnet.Params) {
			k := council.MixServerKey(councilSeed, 1)
			s.Server = k.Public().(ed25519.PublicKey)
			h := s.Hash(p)
			s.Signature = ed25519.Sign(k, h[:])
		})
	}},
	{"stage removed", election.CheckMixStages, false, func(t *testing.T, dir string) {
		os.Remove(filepath.Join(dir, "mixnet", "0", "stages", "1.bin"))
	}},
	{"stage 0 mixed another list", election.CheckMixStages, false, func(t *testing.T, dir string) {
		// The coordinator hands the servers a list without the last
		// ballot's row and with the first one twice; honest servers mix
		// and sign it. (TestCouncilStageZeroInput checks the findings.)
		mixWrongList(t, dir)
	}},
	{"row share", election.CheckRowShares, false, func(t *testing.T, dir string) {
		// Entry 4's share D replaced by entry 5's in the last trustee's
		// list: 12-byte header, then 128 bytes per entry, D first.
		files, _ := filepath.Glob(filepath.Join(dir, "mixnet", "0", "shares", "*.bin"))
		if len(files) == 0 {
			t.Fatal("no share files")
		}
		p := files[len(files)-1]
		data, _ := os.ReadFile(p)
		copy(data[12+4*128:12+4*128+32], data[12+5*128:12+5*128+32])
		os.WriteFile(p, data, 0o644)
	}},
	{"plaintext of a row", election.CheckRowShares, false, func(t *testing.T, dir string) {
		// Row 0 published with row 1's plaintexts and codes: consistent,
		// but not what the shares decrypt.
		var other map[string]any
		editDecrypted(t, dir, func(m map[string]any) bool {
			if other == nil {
				other = m
				return false
			}
			return true
		}, func(m map[string]any, _ [][]byte) {
			for k := range m {
				delete(m, k)
			}
			for k, v := range other {
				m[k] = v
			}
		})
	}},
	{"decoded row changed", election.CheckRowDecoding, false, func(t *testing.T, dir string) {
		editDecrypted(t, dir, isValidRow, func(m map[string]any, _ [][]byte) {
			c := arr(m["codes"])
			c[0], c[1] = c[1], c[0]
			c[0] = json.Number("29")
		})
	}},
	{"invalid row marked valid", election.CheckRowDecoding, false, func(t *testing.T, dir string) {
		editDecrypted(t, dir, func(m map[string]any) bool { return m["invalid"] == "repeated-code" }, func(m map[string]any, _ [][]byte) {
			delete(m, "invalid")
			delete(m, "reason")
		})
	}},
	{"reason text of an invalid row", election.CheckRowDecoding, false, func(t *testing.T, dir string) {
		// The verdict is right, the text is not the specified one.
		editDecrypted(t, dir, func(m map[string]any) bool { return m["invalid"] == "repeated-code" }, func(m map[string]any, _ [][]byte) {
			m["reason"] = "the same code twice"
		})
	}},
	{"invalid row counted in the results", election.CheckRowResults, false, func(t *testing.T, dir string) {
		editCouncilResults(t, dir, func(c *tally.ContestResult) {
			c.Invalid--
			for k := range c.Standings {
				if c.Standings[k].Code == 7 {
					c.Standings[k].Count++
				}
			}
		})
	}},
	{"result count", election.CheckRowResults, false, func(t *testing.T, dir string) {
		editCouncilResults(t, dir, func(c *tally.ContestResult) { c.Standings[0].Count++ })
	}},
	{"decoded rows missing", election.CheckRowDecoding, false, func(t *testing.T, dir string) {
		os.Remove(filepath.Join(dir, "mixnet", "0", "decrypted.jsonl"))
	}},
	{"far stage file", election.CheckMixStages, false, func(t *testing.T, dir string) {
		data, _ := os.ReadFile(filepath.Join(dir, "mixnet", "0", "stages", "1.bin"))
		os.WriteFile(filepath.Join(dir, "mixnet", "0", "stages", "1000000000.bin"), data, 0o644)
	}},
	// A folder that is not a CodeList contest's is not in the record's layout
	// (check 15), listed in the index or not.
	{"stray mixnet folder", election.CheckIndex, false, func(t *testing.T, dir string) {
		os.MkdirAll(filepath.Join(dir, "mixnet", "7"), 0o755)
		os.WriteFile(filepath.Join(dir, "mixnet", "7", "decrypted.jsonl"), nil, 0o644)
	}},
}

// TestCouncilTampering makes one change to a copy of the council record
// per case and checks that the verifier rejects it, naming the right
// check.
func TestCouncilTampering(t *testing.T) {
	sharedCouncil(t)
	for _, tc := range councilTampers {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyCouncil(t)
			tc.edit(t, dir)
			failed := verifyTampered(t, dir, tc.want, tc.keepIndex)
			if slices.Contains(failed, election.CheckIndex) && tc.want != election.CheckIndex && tc.name != "decoded rows missing" {
				t.Errorf("the index check failed although the forger rehashed the files")
			}
			for _, c := range []election.Check{election.CheckBallots, election.CheckAggregation, election.CheckCombination} {
				if slices.Contains(failed, c) {
					t.Errorf("check %d failed: the change was in the mixnet path", c)
				}
			}
		})
	}
}

// TestCouncilRejectedStageNamed: a stage rejected by the cascade fails
// check 17 and is named with its trustee and the check that rejected it.
func TestCouncilRejectedStageNamed(t *testing.T) {
	dir := copyCouncil(t)
	flipFileByte(t, filepath.Join(dir, "mixnet", "0", "stages", "1.bin"), -1)
	rehash(t, dir)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Cascades[0].Stages[1]
	if s.Accepted || s.Check != string(mixnet.CheckSignature) || s.Trustee != 2 || rep.Cascades[0].Complete {
		t.Fatalf("stage verdict %+v", s)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Check == election.CheckMixStages && f.File == "mixnet/0/stages/1.bin" && f.Trustee == 2 && strings.Contains(f.Reason, "signature") {
			found = true
		}
	}
	if !found {
		t.Errorf("no finding names stage 1: %v", rep.Findings)
	}
	// The decryption of the final rows is not checked against a list the
	// cascade did not accept.
	for _, c := range []election.Check{election.CheckRowShares, election.CheckRowDecoding} {
		if !slices.Contains(rep.NotChecked(), c) {
			t.Errorf("check %d is %v without a complete cascade", c, rep.Checks[c-1].Verdict)
		}
	}
}

// TestCouncilExtraStageAfterRejection: the cascade continues after a
// rejected stage, as Verificatum's does. A record where trustee 2's stage
// was rejected and trustee 3 then mixed the list trustee 2 should have
// mixed is valid, and names the rejected stage in its cascade report.
func TestCouncilExtraStageAfterRejection(t *testing.T) {
	dir := copyCouncil(t)
	// Stage 1 is replaced by a stage with a broken proof (its server
	// signs it anyway), then trustee 3 mixes stage 0's output as stage 2.
	editStage(t, dir, 1, func(s *mixnet.Stage, p *mixnet.Params) {
		var rows [][]*elgamal.Ciphertext
		for i := range s.Output.Len() {
			rows = append(rows, s.Output.Row(i))
		}
		rows[2] = rows[3]
		s.Output, _ = mixnet.NewRows(rows)
		h := s.Hash(p)
		s.Signature = ed25519.Sign(council.MixServerKey(councilSeed, 2), h[:])
	})
	c := remixStage2(t, dir, 3)
	if !c.Complete || len(c.Stages) != 3 || c.Stages[1].Accepted || c.Stages[1].Check != string(mixnet.CheckProof) || !c.Stages[2].Accepted {
		t.Errorf("cascade %+v", c)
	}
}

// TestCouncilReplayedStageDoesNotBurnServer: burning an honest mix server
// (issue 10, attack 3) by replaying one of its stages within the cascade.
// In an earlier run of the cascade, trustee 3 mixed the input as stage 0
// and trustee 2 mixed trustee 3's output as stage 1. The record's stage 0
// is trustee 1's; someone puts trustee 2's stage from that run at position
// 1, where it is rejected for its input, and trustee 2 then mixes stage
// 0's output as stage 2. The replay does not count as trustee 2's turn:
// the cascade completes and the record is valid.
func TestCouncilReplayedStageDoesNotBurnServer(t *testing.T) {
	dir := copyCouncil(t)
	_, p := councilElection(t, dir)
	in, err := mixnet.NewRows(councilInputRows(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	fork0, err := mixnet.Mix(p, 0, council.MixServerKey(councilSeed, 3), in, proof.RandomNonces())
	if err != nil {
		t.Fatal(err)
	}
	replayed, err := mixnet.Mix(p, 1, council.MixServerKey(councilSeed, 2), fork0.Output, proof.RandomNonces())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "mixnet", "0", "stages", "1.bin"), replayed.Bytes(), 0o644)
	c := remixStage2(t, dir, 2)
	if !c.Complete || len(c.Stages) != 3 || !c.Stages[0].Accepted || c.Stages[1].Accepted ||
		c.Stages[1].Check != string(mixnet.CheckInput) || c.Stages[1].Trustee != 2 || !c.Stages[2].Accepted || c.Stages[2].Trustee != 2 {
		t.Errorf("cascade %+v", c)
	}
}

// TestCouncilStageFromAnotherContest: burning an honest mix server (issue
// 10, attack 3) by copying one of its stages from another CodeList contest's
// folder. Trustee 2 mixed, as stage 1, the list of another contest of the
// election (here a cascade identifier of another contest position, with
// its own list); someone copies that signed stage into contest 0's folder
// at index 1, and trustee 2's genuine stage of contest 0 follows as stage
// 2. The copy is rejected for its signature, trustee 2 keeps its turn, and
// the record is valid.
func TestCouncilStageFromAnotherContest(t *testing.T) {
	dir := copyCouncil(t)
	_, p := councilElection(t, dir)
	rows := councilInputRows(t, dir)
	rows[0], rows[1] = rows[1], rows[0]
	otherList, err := mixnet.NewRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	other := *p
	other.Cascade = mixnet.CascadeID(1, "village council")
	copied, err := mixnet.Mix(&other, 1, council.MixServerKey(councilSeed, 2), otherList, proof.RandomNonces())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "mixnet", "0", "stages", "1.bin"), copied.Bytes(), 0o644)
	c := remixStage2(t, dir, 2)
	if !c.Complete || len(c.Stages) != 3 || c.Stages[1].Accepted || c.Stages[1].Check != string(mixnet.CheckSignature) ||
		c.Stages[1].Trustee != 2 || !c.Stages[2].Accepted || c.Stages[2].Trustee != 2 {
		t.Errorf("cascade %+v", c)
	}
}

// TestMixParams: each CodeList contest's cascade has its own identifier, the
// contest's index and identifier, and only CodeList contests have one.
func TestMixParams(t *testing.T) {
	e, p := councilElection(t, sharedCouncil(t))
	bh := e.BaseHash()
	if !bytes.Equal(p.Cascade, mixnet.CascadeID(0, council.ContestID)) || !bytes.Equal(p.BaseHash, bh[:]) || p.PublicKey.Equal(e.PublicKey()) != 1 {
		t.Errorf("params %+v", p)
	}
	for _, i := range []int{-1, 1} {
		if _, err := election.MixParams(e, i); err == nil || !strings.Contains(err.Error(), "not a codes or ranked contest") {
			t.Errorf("contest %d: %v", i, err)
		}
	}
}

// councilInputRows returns the rows of the council contest on the cast
// ballots of a council record, in file order: the cascade's input list,
// since every cast ballot of the record counts.
func councilInputRows(t *testing.T, dir string) [][]*elgamal.Ciphertext {
	t.Helper()
	e, _ := councilElection(t, dir)
	r, _ := election.Open(dir)
	var rows [][]*elgamal.Ciphertext
	for ent, err := range r.Ballots(e) {
		if err != nil {
			t.Fatal(err)
		}
		if ent.Ballot != nil && ent.Ballot.State() == ballot.Cast {
			rows = append(rows, ent.Ballot.Ciphertexts(0))
		}
	}
	return rows
}

// mixWrongList replaces both stages of the council record by honest,
// signed shuffles of a list that is not the input: the last ballot's row
// is left out and the first one is there twice.
func mixWrongList(t *testing.T, dir string) {
	t.Helper()
	_, p := councilElection(t, dir)
	rows := councilInputRows(t, dir)
	rows[len(rows)-1] = rows[0]
	list, err := mixnet.NewRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	for k := range 2 {
		s, err := mixnet.Mix(p, uint32(k), council.MixServerKey(councilSeed, k+1), list, proof.RandomNonces())
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "mixnet", "0", "stages", fmt.Sprintf("%d.bin", k)), s.Bytes(), 0o644)
		list = s.Output
	}
}

// TestCouncilStageZeroInput: stage 0 is judged by check 17 against the
// input list that check 16 rebuilds, like every stage against its current
// list, so that a stage 0 that did not mix the counted ballots' rows is
// reported once, as a rejected stage of check 17, and never again under
// check 16. Each case gives the exact set of failed checks and the
// verdict of every stage.
func TestCouncilStageZeroInput(t *testing.T) {
	sharedCouncil(t)
	// Check 17 fails; checks 18 to 20 are not checked (asserted below).
	incomplete := []election.Check{election.CheckMixStages}
	for _, tc := range []struct {
		name   string
		edit   func(t *testing.T, dir string)
		failed []election.Check // exactly these checks fail
		checks []string         // the verdict of each stage: mixnet check, "" if accepted
		reason map[int]string   // part of the reason of a rejected stage
	}{
		{"another list, signed", mixWrongList, incomplete, []string{"input", "input"},
			map[int]string{0: "of the list it must mix, the rows of the 40 ballots that count", 1: "of the list it must mix, the rows of the 40 ballots that count"}},
		{"input digest changed", func(t *testing.T, dir string) {
			// u32(index) ‖ server (32) ‖ input (64): the signature no longer
			// verifies, and stage 1 mixed the output of a rejected stage.
			flipFileByte(t, filepath.Join(dir, "mixnet", "0", "stages", "0.bin"), 4+32+7)
		}, incomplete, []string{"signature", "input"}, nil},
		{"stage 0 missing", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "mixnet", "0", "stages", "0.bin"))
		}, incomplete, []string{"decoding", "input"}, map[int]string{0: "missing"}},
		{"no stage at all", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "mixnet", "0", "stages"))
		}, incomplete, nil, nil},
		{"another list, then the right one", func(t *testing.T, dir string) {
			// Trustee 1 mixed a wrong list; trustees 2 and 3 then mixed
			// the input list as stages 1 and 2. The cascade is complete
			// without stage 0, so the record is valid: a rejected stage
			// is named in the cascade report, as for any failing server.
			e, p := councilElection(t, dir)
			mixWrongList(t, dir)
			list, err := mixnet.NewRows(councilInputRows(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			for k := 1; k <= 2; k++ {
				s, err := mixnet.Mix(p, uint32(k), council.MixServerKey(councilSeed, k+1), list, proof.RandomNonces())
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(dir, "mixnet", "0", "stages", fmt.Sprintf("%d.bin", k)), s.Bytes(), 0o644)
				list = s.Output
			}
			decryptAgain(t, dir, e, list)
		}, nil, []string{"input", "", ""}, map[int]string{0: "the rows of the 40 ballots that count"}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyCouncil(t)
			tc.edit(t, dir)
			rehash(t, dir)
			rep, err := election.Verify(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if failed := rep.Failed(); !slices.Equal(failed, tc.failed) {
				t.Errorf("checks %v failed, want exactly %v", failed, tc.failed)
			}
			if want := []election.Check{election.CheckRowShares, election.CheckRowDecoding, election.CheckRowResults}; len(tc.failed) > 0 && !slices.Equal(rep.NotChecked(), want) {
				t.Errorf("checks %v not checked, want exactly %v", rep.NotChecked(), want)
			}
			for _, f := range rep.Findings {
				if f.Check == election.CheckMixInput {
					t.Errorf("finding of check 16: %s", f)
				}
				t.Logf("%s", f)
			}
			c := rep.Cascades[0]
			if len(c.Stages) != len(tc.checks) || c.Complete != (len(tc.failed) == 0) {
				t.Fatalf("cascade %+v", c)
			}
			for k, s := range c.Stages {
				if s.Accepted != (tc.checks[k] == "") || s.Check != tc.checks[k] || !strings.Contains(s.Reason, tc.reason[k]) {
					t.Errorf("stage %d: %+v, want check %q and a reason with %q", k, s, tc.checks[k], tc.reason[k])
				}
				// A rejected stage of an incomplete cascade is named by one
				// finding of check 17; of a complete one, by none.
				named := 0
				for _, f := range rep.Findings {
					if f.File == s.File {
						named++
					}
				}
				if want := !s.Accepted && !c.Complete; named != map[bool]int{false: 0, true: 1}[want] {
					t.Errorf("stage %d: named in %d findings", k, named)
				}
			}
		})
	}
}

// remixStage2 has trustee mix the output of stage 0 of the council
// record in dir as stage 2, in place of the record's stage 2; the trustees
// decrypt the new final list, whose results are the same. The record must
// then be valid; remixStage2 returns the report of its cascade.
func remixStage2(t *testing.T, dir string, trustee int) election.CascadeReport {
	t.Helper()
	e, p := councilElection(t, dir)
	r, _ := election.Open(dir)
	s0, err := r.MixStage(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := mixnet.Mix(p, 2, council.MixServerKey(councilSeed, trustee), s0.Output, proof.RandomNonces())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "mixnet", "0", "stages", "2.bin"), s2.Bytes(), 0o644)
	decryptAgain(t, dir, e, s2.Output)
	rehash(t, dir)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("findings %v", rep.Findings)
	}
	return rep.Cascades[0]
}

// decryptAgain replaces the council record's share lists of the final
// rows and its decoded rows with those of the list out, decrypted by the
// trustees present.
func decryptAgain(t *testing.T, dir string, e *ballot.Election, out *mixnet.Rows) {
	t.Helper()
	r, _ := election.Open(dir)
	old, err := r.RowShareLists(0)
	if err != nil {
		t.Fatal(err)
	}
	// The ceremony's outcome judged from its messages, which names its
	// election (result.json alone does not).
	c, err := r.Ceremony()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := trustee.VerifyCeremony(c)
	if err != nil {
		t.Fatal(err)
	}
	shares := councilRecord.out.KeyShares
	bh := e.BaseHash()
	var lists []*trustee.ShareList
	for _, l := range old {
		// The trustees' primitive, without the checks of
		// VerifiedRecord.RowShares: these trustees decrypt what they are
		// given.
		nl, err := shares[l.Trustee()-1].DecryptSharesUnchecked(bh[:], tally.RowCiphertexts(out))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "mixnet", "0", "shares", fmt.Sprintf("%d.bin", l.Trustee())), nl.Bytes(), 0o644)
		lists = append(lists, nl)
	}
	rows, _, err := tally.DecryptRows(e, keys, 0, out, lists)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, row := range rows {
		j, _ := json.Marshal(row)
		b.Write(j)
		b.WriteByte('\n')
	}
	os.WriteFile(filepath.Join(dir, "mixnet", "0", "decrypted.jsonl"), b.Bytes(), 0o644)
}

// TestCouncilRowChunks verifies the council record and two tamperings with
// the final rows checked 7 ciphertexts at a time, so that the shares, the
// plaintexts and the decoded rows of later chunks are found at their
// place.
func TestCouncilRowChunks(t *testing.T) {
	defer election.SetRowChunk(7)()
	rep, err := election.Verify(sharedCouncil(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("findings %v", rep.Findings)
	}
	// Row 30's share in the last list, and row 33's published codes.
	dir := copyCouncil(t)
	files, _ := filepath.Glob(filepath.Join(dir, "mixnet", "0", "shares", "*.bin"))
	p := files[len(files)-1]
	data, _ := os.ReadFile(p)
	copy(data[12+30*128:12+30*128+32], data[12+31*128:12+31*128+32])
	os.WriteFile(p, data, 0o644)
	path := filepath.Join(dir, "mixnet", "0", "decrypted.jsonl")
	lines := readLines(t, path)
	var row map[string]any
	row = obj(decodeJSON(t, lines[33]))
	row["codes"] = []any{json.Number("1")}
	lines[33] = encodeJSONLine(t, row)
	writeLines(t, path, lines)
	rehash(t, dir)
	rep, err = election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var shareRow, codesRow bool
	for _, f := range rep.Findings {
		shareRow = shareRow || f.Check == election.CheckRowShares && strings.Contains(f.Reason, "row 30, column 0 (entry 30)")
		codesRow = codesRow || f.Check == election.CheckRowDecoding && f.Line == 34 && strings.HasPrefix(f.Reason, "row 33: codes [1]")
	}
	if !shareRow || !codesRow {
		t.Errorf("findings %v", rep.Findings)
	}
	if len(rep.Failed()) != 2 {
		t.Errorf("checks %v failed, want 18 and 19", rep.Failed())
	}
}

// TestCouncilTooFewRowShares: with fewer than t share lists of the final
// rows, all of them valid, check 18 fails with a finding that says so in
// plain words (it once printed "%!w(<nil>)" for the empty list of
// rejected lists).
func TestCouncilTooFewRowShares(t *testing.T) {
	dir := copyCouncil(t)
	files, _ := filepath.Glob(filepath.Join(dir, "mixnet", "0", "shares", "*.bin"))
	if len(files) < 2 {
		t.Fatalf("%d share files", len(files))
	}
	for _, f := range files[1:] {
		os.Remove(f)
	}
	rehash(t, dir)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if strings.Contains(f.Reason, "%!") {
			t.Errorf("malformed finding: %s", f)
		}
		if f.Check == election.CheckRowShares && strings.HasSuffix(f.Reason, "rows 0 to 39: 1 valid share list, fewer than the threshold 2; none was rejected") {
			found = true
			t.Log(f)
		}
	}
	if !found {
		t.Errorf("no finding of check 18 about too few share lists: %v", rep.Findings)
	}
}

// TestTooFewMixersRecord: a council record whose election.json states a
// threshold above the contest's mixStages (3 for 2 stages: two corrupt
// trustees, too few to decrypt, could have made every stage) is refused by
// check 1, which cannot rebuild such an election.
func TestTooFewMixersRecord(t *testing.T) {
	dir := copyCouncil(t)
	setThreshold(t, dir, 3, false)
	rehash(t, dir)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Check == election.CheckParameters && strings.Contains(f.Reason, `contest 0 ("council"): mixStages 2 is less than the threshold 3`) {
			found = true
		}
	}
	if rep.Valid() || !found {
		t.Errorf("valid %v, findings %v; want check 1 to name the mix stages", rep.Valid(), rep.Findings)
	}
}
