package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/version"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// The tests run the command as processes: TestMain builds it once.
var trusteeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sandogh-trustee-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		goCmd = "go"
	}
	trusteeBin = filepath.Join(dir, "trustee")
	if out, err := exec.Command(goCmd, "build", "-o", trusteeBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the trustee command: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// A run is one process of the command and what it did.
type procRun struct {
	args           []string
	code           int
	stdout, stderr string
}

func (r *procRun) String() string {
	return fmt.Sprintf("trustee %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// trusteeRun runs the command with args and no terminal on standard input.
func trusteeRun(t *testing.T, args ...string) *procRun {
	t.Helper()
	// A hang detector, not a timing test.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, trusteeBin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := &procRun{args: args, stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("trustee %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// must runs the command and fails the test unless it exits with 0.
func must(t *testing.T, args ...string) *procRun {
	t.Helper()
	r := trusteeRun(t, args...)
	if r.code != 0 {
		t.Fatal(r)
	}
	return r
}

// fails runs the command and fails the test unless it exits with code and
// says every one of want on standard error.
func fails(t *testing.T, code int, want []string, args ...string) *procRun {
	t.Helper()
	r := trusteeRun(t, args...)
	if r.code != code {
		t.Fatalf("want exit %d; %s", code, r)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Fatalf("want %q on standard error; %s", w, r)
		}
	}
	return r
}

// parallel runs the command for each trustee in js at once, with the
// arguments args(j), and fails unless every one exits with 0.
func parallel(t *testing.T, js []int, args func(j int) []string) map[int]*procRun {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	out := make(map[int]*procRun)
	for _, j := range js {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			a := args(j)
			cmd := exec.CommandContext(ctx, trusteeBin, a...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			r := &procRun{args: a, stdout: stdout.String(), stderr: stderr.String()}
			if ee, ok := err.(*exec.ExitError); ok {
				r.code = ee.ExitCode()
			} else if err != nil {
				r.code, r.stderr = -1, err.Error()
			}
			mu.Lock()
			out[j] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, j := range js {
		if out[j].code != 0 {
			t.Fatalf("trustee %d: %s", j, out[j])
		}
	}
	return out
}

// absent fails the test if any of the files exists.
func absent(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
}

// unchanged fails the test if the files under dir are not those of before.
func unchanged(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	if now := snapshot(t, dir); !mapsEqual(now, before) {
		t.Errorf("%s changed", dir)
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[p] = string(data)
		}
		return nil
	})
	return out
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}

// The trustees of the test: five, threshold three.
const (
	nTrustees  = 5
	threshold  = 3
	electionID = "trustee-test-1404"
)

var trusteeNames = [nTrustees + 1]string{1: "Trustee 1", 2: "Trustee 2", 3: "ناهید کاظمی", 4: "Trustee 4", 5: "Trustee 5"}

// A world is the trustees' folders: each one's own state folder and
// passphrase file, and the folders they share with the coordinator.
type world struct {
	dir                 string
	state, pass         [nTrustees + 1]string
	ceremony, mix, decr string
}

func newWorld(t *testing.T) *world {
	w := &world{dir: t.TempDir()}
	for j := 1; j <= nTrustees; j++ {
		w.state[j] = filepath.Join(w.dir, fmt.Sprintf("trustee-%d", j))
		w.pass[j] = filepath.Join(w.dir, fmt.Sprintf("passphrase-%d", j))
		if err := os.WriteFile(w.pass[j], []byte(fmt.Sprintf("correct horse battery staple %d\n", j)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w.ceremony, w.mix, w.decr = filepath.Join(w.dir, "ceremony"), filepath.Join(w.dir, "mixing"), filepath.Join(w.dir, "decryption")
	for _, d := range []string{w.ceremony, w.mix, w.decr} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// own returns trustee j's -state, -passphrase-file and -shared flags.
func (w *world) own(j int, shared string) []string {
	return []string{"-state", w.state[j], "-passphrase-file", w.pass[j], "-shared", shared}
}

func all() []int { return []int{1, 2, 3, 4, 5} }

// round runs step for all trustees at once.
func (w *world) round(t *testing.T, step string) {
	t.Helper()
	parallel(t, all(), func(j int) []string { return append([]string{step}, w.own(j, w.ceremony)...) })
}

// readJSONFile decodes the JSON file at path into v.
func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestTrustees runs the life of five trustees, each step of each trustee
// in a process of its own, exchanging nothing but files: a 3-of-5 key
// ceremony in which a share is lost (so that a complaint is made and
// answered), the cascade of a codes contest mixed by three of them, and
// the decryption with trustee 2 absent, in an election whose record a
// coordinator writes through the library. The record verifies. On the
// way, each bad input is refused with an error that names it, and writes
// nothing: a wrong passphrase, a message file of another ceremony, stage
// requests that are not for the cascade's current list, a record that was
// tampered with, and a cascade not complete yet.
func TestTrustees(t *testing.T) {
	w := newWorld(t)

	// The identities, and the roster from their member files.
	inits := parallel(t, all(), func(j int) []string {
		return []string{"init", "-state", w.state[j], "-shared", w.ceremony, "-name", trusteeNames[j], "-passphrase-file", w.pass[j]}
	})
	var members []string
	for _, j := range all() {
		path := wrotePath(t, inits[j], "member-")
		members = append(members, path)
		if fi, err := os.Stat(filepath.Join(w.state[j], "identity.sealed")); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("trustee %d's identity: %v %v", j, fi, err)
		}
	}
	must(t, append([]string{"roster", "-shared", w.ceremony, "-election", electionID, "-threshold", fmt.Sprint(threshold)}, members...)...)

	// Round 1.
	r1 := parallel(t, all(), func(j int) []string { return append([]string{"round1"}, w.own(j, w.ceremony)...) })
	if !strings.Contains(r1[3].stdout, `This trustee is trustee 3, "ناهید کاظمی".`) {
		t.Errorf("round1 of trustee 3:\n%s", r1[3].stdout)
	}
	// Run again, it publishes the same commitments.
	if r := must(t, append([]string{"round1"}, w.own(1, w.ceremony)...)...); !strings.Contains(r.stdout, "already published, unchanged") {
		t.Errorf("round1 again:\n%s", r.stdout)
	}

	// A wrong passphrase: refused, nothing written, the state unchanged.
	wrong := filepath.Join(w.dir, "wrong")
	os.WriteFile(wrong, []byte("not the passphrase\n"), 0o600)
	before := snapshot(t, w.state[5])
	fails(t, exitCannot, []string{"wrong passphrase"}, "round2", "-state", w.state[5], "-shared", w.ceremony, "-passphrase-file", wrong)
	absent(t, filepath.Join(w.ceremony, "shares-5.json"))
	unchanged(t, w.state[5], before)

	// Round 2; then trustee 2's share to trustee 4 is lost.
	w.round(t, "round2")
	var shares2 []*trustee.EncryptedShare
	readJSONFile(t, filepath.Join(w.ceremony, "shares-2.json"), &shares2)
	shares2 = slices.DeleteFunc(shares2, func(s *trustee.EncryptedShare) bool { return s.Recipient == 4 })
	writeIndented(t, filepath.Join(w.ceremony, "shares-2.json"), shares2)

	// A message file of another ceremony, in trustee 2's place: refused,
	// naming the file and the field.
	c2 := filepath.Join(w.ceremony, "commitments-2.json")
	ours, _ := os.ReadFile(c2)
	writeIndented(t, c2, foreignCommitments(t))
	before = snapshot(t, w.state[1])
	fails(t, exitRefused, []string{c2, "field ceremony", "is not the hash of this roster"}, append([]string{"round3"}, w.own(1, w.ceremony)...)...)
	absent(t, filepath.Join(w.ceremony, "complaints-1.json"))
	unchanged(t, w.state[1], before)
	os.WriteFile(c2, ours, 0o644)

	// A trustee's file that is not there yet: the step waits for it, or
	// goes on without it when told to.
	s5 := filepath.Join(w.ceremony, "shares-5.json")
	os.Rename(s5, s5+".later")
	fails(t, exitCannot, []string{s5, "-absent 5"}, append([]string{"round3"}, w.own(1, w.ceremony)...)...)
	absent(t, filepath.Join(w.ceremony, "complaints-1.json"))
	os.Rename(s5+".later", s5)

	// Rounds 3 and 4: trustee 4 complains of the lost share, and trustee
	// 2 answers by revealing it.
	w.round(t, "round3")
	for _, j := range all() {
		var cs []*trustee.Complaint
		readJSONFile(t, filepath.Join(w.ceremony, fmt.Sprintf("complaints-%d.json", j)), &cs)
		if want := map[bool]int{true: 1, false: 0}[j == 4]; len(cs) != want || want == 1 && (cs[0].Dealer != 2 || cs[0].Reason != trustee.ShareMissing) {
			t.Errorf("trustee %d's complaints: %+v", j, cs)
		}
	}
	w.round(t, "round4")
	var rs []*trustee.ComplaintResponse
	readJSONFile(t, filepath.Join(w.ceremony, "responses-2.json"), &rs)
	if len(rs) != 1 || rs[0].Complainant != 4 {
		t.Errorf("trustee 2's responses: %+v", rs)
	}

	// The result: every trustee judges the same, and so does the
	// coordinator from the same files.
	res := parallel(t, all(), func(j int) []string { return append([]string{"result"}, w.own(j, w.ceremony)...) })
	if !strings.Contains(res[4].stdout, "complaint of trustee 4 against dealer 2: dismissed") {
		t.Errorf("result of trustee 4:\n%s", res[4].stdout)
	}
	roster, err := readRoster(w.ceremony)
	if err != nil {
		t.Fatal(err)
	}
	cer, err := readCeremony(w.ceremony, roster, roundResponses, nil)
	if err != nil {
		t.Fatal(err)
	}
	verified, err := trustee.VerifyCeremony(cer)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := indent(verified)
	for _, j := range all() {
		got, _ := os.ReadFile(filepath.Join(w.ceremony, fmt.Sprintf("result-%d.json", j)))
		if !bytes.Equal(got, want) {
			t.Errorf("trustee %d's result differs from VerifyCeremony's:\n%s\n%s", j, got, want)
		}
		if len(verified.Qualified) != nTrustees {
			t.Errorf("qualified %v", verified.Qualified)
		}
		absent(t, filepath.Join(w.state[j], ceremonyStateFile(roster.Hash())))
	}
	fails(t, exitCannot, []string{"is finished"}, append([]string{"result"}, w.own(1, w.ceremony)...)...)

	// The coordinator writes the election's record with the library.
	co := newCoordinator(t, w, cer)

	// The cascade of the council contest, which requires three stages.
	mix := func(j int, extra ...string) []string {
		return append(append([]string{"mix", "-record", co.dir, "-ballots-sha256", hex.EncodeToString(co.published[:]), "-q"}, w.own(j, w.mix)...), extra...)
	}
	stage := func(t, k int) string { return filepath.Join(w.mix, fmt.Sprintf("mixnet-%d-stage-%d.bin", t, k)) }
	in := co.current()
	fails(t, exitRefused, []string{"the request is for stage 1", "the next stage in the record is stage 0"}, mix(1, "-stage", "1")...)
	absent(t, stage(1, 0), stage(1, 1))
	must(t, mix(1, "-stage", "0", "-input", in)...)
	co.addStage(t, stage(1, 0))
	// The input list again, which is not the current list any more.
	fails(t, exitRefused, []string{"the request's input list " + in + " is not the current list", "the output of stage 0"}, mix(2, "-stage", "1", "-input", in)...)
	fails(t, exitRefused, []string{"trustee 1 mixed the cascade of contest \"council\" already, in stage 0"}, mix(1, "-stage", "1")...)
	absent(t, stage(1, 1))
	must(t, mix(2, "-stage", "1", "-input", co.current())...)
	co.addStage(t, stage(1, 1))

	// A trustee does not decrypt an incomplete cascade.
	dec := func(j int, record string) []string {
		return append([]string{"decrypt", "-record", record, "-ballots-sha256", hex.EncodeToString(co.published[:]), "-q"}, w.own(j, w.decr)...)
	}
	fails(t, exitRefused, []string{`contest 1 (council): the mixed rows are not decrypted: its cascade is not complete: 2 of 2 stages accepted, 3 required`}, dec(5, co.dir)...)
	absent(t, filepath.Join(w.decr, "tally-shares-5.json"))

	must(t, mix(3, "-stage", "2")...)
	co.addStage(t, stage(1, 2))
	fails(t, exitRefused, []string{`the cascade of contest "council" is complete`}, mix(4, "-stage", "3")...)
	absent(t, stage(1, 3))

	// Decryption refused: a wrong passphrase; a record whose tally was
	// tampered with; a ballots.jsonl that is not the published one.
	fails(t, exitCannot, []string{"wrong passphrase"}, "decrypt", "-record", co.dir, "-ballots-sha256", hex.EncodeToString(co.published[:]), "-state", w.state[1], "-shared", w.decr, "-passphrase-file", wrong)
	tampered := copyDir(t, co.dir)
	p := filepath.Join(tampered, "tally", "encrypted.json")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(data, []byte(fmt.Sprintf(`"ballots": %d`, co.counted)), []byte(fmt.Sprintf(`"ballots": %d`, co.counted+1)), 1), 0o644)
	fails(t, exitRefused, []string{"the record fails checks that must pass before the trustees decrypt", "check 11"}, dec(1, tampered)...)
	shorter := copyDir(t, co.dir)
	p = filepath.Join(shorter, "ballots.jsonl")
	data, _ = os.ReadFile(p)
	lines := bytes.SplitAfter(data, []byte("\n"))
	os.WriteFile(p, bytes.Join(lines[:len(lines)-2], nil), 0o644)
	fails(t, exitRefused, []string{"not the published"}, dec(1, shorter)...)
	absent(t, filepath.Join(w.decr, "tally-shares-1.json"), filepath.Join(w.decr, "mixnet-1-shares-1.bin"))

	// Trustees 1, 3, 4 and 5 decrypt; trustee 2 is absent.
	present := []int{1, 3, 4, 5}
	parallel(t, present, func(j int) []string { return dec(j, co.dir) })
	// Shares are made once: a second run leaves the first ones.
	before = snapshot(t, w.decr)
	fails(t, exitCannot, []string{filepath.Join(w.decr, "tally-shares-3.json") + " exists already; it is left as it is"}, dec(3, co.dir)...)
	unchanged(t, w.decr, before)
	co.decrypt(t, present)

	rep, err := election.Verify(co.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the record is not valid: %v", rep.Findings)
	}
}

// wrotePath returns the path of the file named with prefix that r says it
// wrote.
func wrotePath(t *testing.T, r *procRun, prefix string) string {
	t.Helper()
	for _, line := range strings.Split(r.stdout, "\n") {
		if p, ok := strings.CutPrefix(line, "wrote "); ok && strings.HasPrefix(filepath.Base(p), prefix) {
			return p
		}
	}
	t.Fatalf("no %s file written:\n%s", prefix, r)
	return ""
}

func writeIndented(t *testing.T, path string, v any) {
	t.Helper()
	data, err := indent(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// foreignCommitments returns the commitments of dealer 2 of another
// ceremony.
func foreignCommitments(t *testing.T) *trustee.Commitments {
	var members []trustee.Member
	var ids []*trustee.Identity
	for k := range 2 {
		id, err := trustee.NewIdentity(fmt.Sprintf("Other %d", k+1))
		if err != nil {
			t.Fatal(err)
		}
		ids, members = append(ids, id), append(members, id.Member(k+1))
	}
	r, err := trustee.NewRoster("another election", 1, members)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := trustee.NewTrustee(r, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	m, err := tr.Round1()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	// The copies are writable, whatever the source files' modes.
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// A coordinator writes the election record with the library: the
// ceremony the trustees published, the election, a ballot box, the mix
// stages and the share lists the trustees write in the shared folders.
type coordinator struct {
	w         *world
	dir       string
	rw        *election.Writer
	e         *ballot.Election
	keys      *trustee.Result
	et        *tally.EncryptedTally
	cascade   *mixnet.Cascade
	published [sha256.Size]byte
	counted   uint64
	votes     []ballot.Vote
}

// councilContest is the index of the codes contest in the manifest.
const councilContest = 1

func testManifest() *ballot.Manifest {
	board := ballot.Contest{ID: "board", Title: "Board", Kind: ballot.UpTo, Limit: 2, Seats: 1,
		Candidates: []ballot.Candidate{{Code: 1, Name: "Arash"}, {Code: 2, Name: "Bahar"}, {Code: 3, Name: "Cyrus"}}}
	council := ballot.Contest{ID: "council", Title: "Council", Kind: ballot.CodeList, Limit: 3, Seats: 3, Alternates: 1, MixStages: 3}
	for k := range 10 {
		council.Candidates = append(council.Candidates, ballot.Candidate{Code: uint32(k + 1), Name: fmt.Sprintf("Candidate %d", k+1)})
	}
	return &ballot.Manifest{ElectionID: electionID, Title: "Trustee test", Policy: ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{board, council}}
}

func newCoordinator(t *testing.T, w *world, cer *trustee.Ceremony) *coordinator {
	t.Helper()
	co := &coordinator{w: w, dir: filepath.Join(w.dir, "record")}
	var err error
	if co.rw, err = election.Create(co.dir); err != nil {
		t.Fatal(err)
	}
	if co.keys, err = co.rw.WriteCeremony(cer); err != nil {
		t.Fatal(err)
	}
	pk, err := co.keys.ElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	stationPub, station, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	m := testManifest()
	co.e, err = ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: co.keys.VerificationKeys, Threshold: co.keys.Threshold,
		Devices: []ballot.RegisteredDevice{{ID: "station-1", PublicKey: stationPub}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := co.rw.WriteElection(co.e, co.keys); err != nil {
		t.Fatal(err)
	}
	box, err := co.rw.OpenBox(co.e)
	if err != nil {
		t.Fatal(err)
	}
	d, opening, err := ballot.OpenDevice(co.e, "station-1", station, time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := box.AcceptOpening(opening); err != nil {
		t.Fatal(err)
	}
	codes := [][]uint32{{1, 2, 3}, {2, 5}, {7}, {}, {2, 3, 9}, {10, 1}, {2}, {4, 5, 6}}
	for k, cs := range codes {
		v := ballot.Vote{"board": {uint32(k%3 + 1): 1}}
		if err := v.SetCodes("council", cs); err != nil {
			t.Fatal(err)
		}
		p, err := d.EncryptBallot(v)
		if err != nil {
			t.Fatal(err)
		}
		b, err := d.Cast(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := box.AcceptBallot(b); err != nil {
			t.Fatal(err)
		}
		co.votes = append(co.votes, v)
	}
	if err := box.Close(); err != nil {
		t.Fatal(err)
	}
	// The authority publishes the SHA-256 of the closed box's file.
	data, err := os.ReadFile(co.rw.BallotsPath())
	if err != nil {
		t.Fatal(err)
	}
	co.published = sha256.Sum256(data)
	if co.et, err = co.rw.FinishBallots(co.e); err != nil {
		t.Fatal(err)
	}
	co.counted = co.et.Ballots
	in, err := co.rw.MixInput(councilContest)
	if err != nil {
		t.Fatal(err)
	}
	p, err := election.MixParams(co.e, councilContest)
	if err != nil {
		t.Fatal(err)
	}
	var servers []ed25519.PublicKey
	for j := 1; j <= cer.Roster.Size(); j++ {
		servers = append(servers, cer.Roster.Member(j).SigningKey)
	}
	if co.cascade, err = mixnet.NewCascade(p, servers, 3, in); err != nil {
		t.Fatal(err)
	}
	return co
}

// current returns the digest of the cascade's current list, in hex: the
// input of the stage the coordinator asks for next.
func (co *coordinator) current() string {
	_, in := co.cascade.Next()
	d := in.Digest()
	return hex.EncodeToString(d[:])
}

// addStage checks the stage a trustee wrote and records it.
func (co *coordinator) addStage(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := mixnet.ReadStage(f)
	if err != nil {
		t.Fatal(err)
	}
	if v := co.cascade.Add(s); !v.Accepted {
		t.Fatalf("%s: %v", path, v)
	}
	if err := co.rw.WriteStage(councilContest, s); err != nil {
		t.Fatal(err)
	}
}

// decrypt records the share lists of the trustees present, decrypts the
// tally and the rows with them, and writes the results.
func (co *coordinator) decrypt(t *testing.T, present []int) {
	t.Helper()
	var lists, rowLists []*trustee.ShareList
	for _, j := range present {
		l := new(trustee.ShareList)
		readJSONFile(t, filepath.Join(co.w.decr, fmt.Sprintf("tally-shares-%d.json", j)), l)
		if err := co.rw.WriteShareList(l); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(co.w.decr, fmt.Sprintf("mixnet-%d-shares-%d.bin", councilContest, j)))
		if err != nil {
			t.Fatal(err)
		}
		rl, err := new(trustee.ShareList).SetCanonicalBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := co.rw.WriteRowShareList(councilContest, rl); err != nil {
			t.Fatal(err)
		}
		lists, rowLists = append(lists, l), append(rowLists, rl)
	}
	totals, d, err := tally.Decrypt(co.e, co.keys, co.et, lists)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(d.Trustees, 2) {
		t.Errorf("the absent trustee's shares were combined: %v", d.Trustees)
	}
	final, err := co.cascade.Output()
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := tally.DecryptRows(co.e, co.keys, councilContest, final, rowLists)
	if err != nil {
		t.Fatal(err)
	}
	if err := co.rw.WriteDecodedRows(councilContest, rows); err != nil {
		t.Fatal(err)
	}
	m := co.e.Manifest()
	ct, err := tally.CountRows(m, councilContest, rows)
	if err != nil {
		t.Fatal(err)
	}
	totals.Contests[councilContest] = ct
	// The totals are the votes cast.
	for c, contest := range m.Contests {
		for k, cand := range contest.Candidates {
			var want uint64
			for _, v := range co.votes {
				want += v[contest.ID][cand.Code]
			}
			if got := totals.Contests[c].Selections[k].Count; got != want {
				t.Errorf("contest %s, candidate %d: %d votes, want %d", contest.ID, cand.Code, got, want)
			}
		}
	}
	res, err := tally.NewResults(m, totals)
	if err != nil {
		t.Fatal(err)
	}
	if err := co.rw.WriteResults(res); err != nil {
		t.Fatal(err)
	}
}

// TestCommandLine: -h, -version, and the command-line errors, each with
// exit status 2 and the flag or argument named.
func TestCommandLine(t *testing.T) {
	if r := must(t, "-version"); r.stdout != version.String()+"\n" {
		t.Errorf("-version: %q", r.stdout)
	}
	r := must(t, "-h")
	for _, c := range commands {
		if !strings.Contains(r.stdout, "\n  "+c.name+" ") {
			t.Errorf("the usage does not list %s:\n%s", c.name, r.stdout)
		}
	}
	for _, w := range []string{"Exit status: 0", "-passphrase-file FILE"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("the usage does not say %q", w)
		}
	}
	for _, c := range commands {
		r := must(t, c.name, "-h")
		if !strings.HasPrefix(r.stderr, "Usage: trustee "+c.name+" [flags]") || !strings.Contains(r.stderr, "Exit status: 0 done, 1 refused") {
			t.Errorf("%s -h:\n%s", c.name, r.stderr)
		}
		if r := must(t, c.name, "-version"); r.stdout != version.String()+"\n" {
			t.Errorf("%s -version: %q", c.name, r.stdout)
		}
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "Usage: trustee COMMAND"},
		{[]string{"ceremony"}, `unknown command "ceremony"`},
		{[]string{"round1", "-shared", dir}, "flag -state is required"},
		{[]string{"round1", "-state", dir, "-shared", dir, "extra"}, `unexpected argument "extra"`},
		{[]string{"round2", "-state", dir, "-shared", dir, "-bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"roster", "-shared", dir, "-election", "e", "-threshold", "0", "m.json"}, "-threshold 0: want 1 to the number of members, 1"},
		{[]string{"roster", "-shared", dir, "-election", "e", "-threshold", "1"}, "MEMBER-FILE... missing"},
		{[]string{"init", "-state", dir, "-shared", dir, "-name", "a\u202eb", "-passphrase-file", "x"}, "-name:"},
		{[]string{"round3", "-state", dir, "-shared", dir, "-absent", "x"}, "-absent"},
		{[]string{"mix", "-state", dir, "-shared", dir, "-record", dir, "-ballots-sha256", strings.Repeat("0", 64)}, "flag -stage is required"},
		{[]string{"mix", "-state", dir, "-shared", dir, "-record", dir, "-stage", "0"}, "the SHA-256 of ballots.jsonl that the election authority published is required"},
		{[]string{"decrypt", "-state", dir, "-shared", dir, "-record", dir, "-ballots-sha256", "abc"}, "-ballots-sha256: text is 3 characters, want 64"},
		{[]string{"mix", "-state", dir, "-shared", dir, "-record", dir, "-stage", "0", "-ballots-sha256", strings.Repeat("0", 64), "-input", "00"}, "-input: text is 2 characters"},
	} {
		fails(t, exitCannot, []string{tc.want}, tc.args...)
	}
}

// TestPassphraseNotFromPipe: without a terminal on standard input and
// without -passphrase-file, no passphrase is read, and nothing is
// written.
func TestPassphraseNotFromPipe(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	fails(t, exitCannot, []string{"standard input is not a terminal", "-passphrase-file FILE"}, "init", "-state", state, "-shared", dir, "-name", "T")
	absent(t, state)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\nsecond line\n"), 0o600)
	fails(t, exitCannot, []string{"the first line is empty"}, "init", "-state", state, "-shared", dir, "-name", "T", "-passphrase-file", empty)
	absent(t, state)
}

func TestDigestFromSums(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		in, err string
	}{
		{h + "\n", ""},
		{h, ""},
		{"0000  election.json\n" + h + "  ballots.jsonl\n", ""},
		{h + " *ballots.jsonl\r\n", ""},
		{h + "  election.json\n", "no line for ballots.jsonl"},
		{h + "\n" + h + "  ballots.jsonl\n", "2 digests for ballots.jsonl, lines 1 and 2"},
		{"ABAB  ballots.jsonl", "line 1: field digest"},
	} {
		b, err := digestFromSums([]byte(tc.in))
		switch {
		case tc.err == "" && (err != nil || hex.EncodeToString(b) != h):
			t.Errorf("%q: %x, %v", tc.in, b, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: %v, want %q", tc.in, err, tc.err)
		}
	}
}
