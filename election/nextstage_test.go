package election_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/proof"
)

// A mix server mixes the current list of its cascade as it verified it
// in the record itself (docs/spec.md, "Trustees", "What a mix server
// mixes"): VerifiedRecord.NextStage gives the next stage's index and that
// list, the input list before any stage is accepted and the output of the
// last accepted stage after, passing over a rejected stage.

// stageOf decodes stage t of the council contest in the record in dir.
func stageOf(t *testing.T, dir string, k int) *mixnet.Stage {
	t.Helper()
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.MixStage(0, k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// nextStage verifies the record in dir for decryption and returns the
// next stage of the council contest's cascade.
func nextStage(t *testing.T, dir string, published [32]byte) (*election.VerifiedRecord, uint32, *mixnet.Rows) {
	t.Helper()
	rec, err := election.VerifyForDecryption(dir, published, nil)
	if err != nil {
		t.Fatal(err)
	}
	index, in, err := rec.NextStage(0)
	if err != nil {
		t.Fatal(err)
	}
	return rec, index, in
}

func TestNextStage(t *testing.T) {
	src := sharedCouncil(t)
	published := boxDigest(t, src)
	first, second := stageOf(t, src, 0), stageOf(t, src, 1)

	// The complete cascade: its next stage is 2, on its final list.
	dir := beforeDecryption(t, src)
	rec, index, in := nextStage(t, dir, published)
	final, _ := rec.FinalRows(0)
	if index != 2 || in.Digest() != final.Digest() || in.Digest() != second.Output.Digest() {
		t.Errorf("complete cascade: next stage %d", index)
	}
	if _, _, err := rec.NextStage(1); err == nil || !strings.Contains(err.Error(), "not a codes contest") {
		t.Errorf("a contest that does not exist: %v", err)
	}

	// Without its stages: stage 0, on the input list, the list stage 0
	// of the record mixed.
	stages := filepath.Join(dir, "mixnet", "0", "stages")
	os.Remove(filepath.Join(stages, "1.bin"))
	os.Remove(filepath.Join(stages, "0.bin"))
	rehash(t, dir)
	_, index, in = nextStage(t, dir, published)
	if index != 0 || in.Digest() != first.Input || in.Len() != 40 {
		t.Errorf("no stage: next stage %d, %d rows", index, in.Len())
	}

	// A stage made from it by trustee 1 is accepted, and the next stage is
	// 1, on its output.
	p, err := election.MixParams(rec.Election(), 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := mixnet.Mix(p, index, council.MixServerKey(councilSeed, 1), in, proof.RandomNonces())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stages, "0.bin"), s.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rehash(t, dir)
	rec, index, in = nextStage(t, dir, published)
	if c := rec.Report().Cascades[0]; index != 1 || in.Digest() != s.Output.Digest() || c.Complete || !c.Stages[0].Accepted {
		t.Errorf("after a new stage 0: next stage %d, cascade %+v", index, c)
	}

	// The record's stage 1 mixed another list: rejected, the next stage
	// is 2, and its list is still the output of the new stage 0.
	os.WriteFile(filepath.Join(stages, "1.bin"), second.Bytes(), 0o644)
	rehash(t, dir)
	rec, index, in = nextStage(t, dir, published)
	if c := rec.Report().Cascades[0]; index != 2 || in.Digest() != s.Output.Digest() || c.Stages[1].Accepted || c.Stages[1].Check != "input" {
		t.Errorf("after a rejected stage 1: next stage %d, cascade %+v", index, c)
	}

	// A stage file missing before a present one is a finding of check
	// 17: nothing is mixed.
	os.Rename(filepath.Join(stages, "1.bin"), filepath.Join(stages, "2.bin"))
	rehash(t, dir)
	rec, err = election.VerifyForDecryption(dir, published, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, in, err := rec.NextStage(0); err == nil || in != nil || !strings.Contains(err.Error(), "check 17") {
		t.Errorf("a missing stage: %v", err)
	}
}
