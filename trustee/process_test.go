package trustee

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sandogh/sandogh/group"
)

// The separate-process ceremony: the parent test writes each trustee's
// sealed identity and the roster into a shared folder, then starts one OS
// process per trustee (this test binary again, running TestTrusteeProcess
// with the trustee's index in the environment). The processes exchange
// nothing but files in that folder; each round of each trustee opens its
// sealed state, runs one step and seals it again.

const (
	envDir   = "SANDOGH_TRUSTEE_PROCESS_DIR"
	envIndex = "SANDOGH_TRUSTEE_PROCESS_INDEX"
)

func passphrase(j int) []byte { return []byte(fmt.Sprintf("passphrase of trustee %d", j)) }

// writeAtomic writes a file under a temporary name and renames it, so that
// a polling reader never sees half of it.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}

// waitFiles polls until every name exists, then returns their contents.
func waitFiles(dir string, names []string, timeout time.Duration) ([][]byte, error) {
	deadline := time.Now().Add(timeout)
	out := make([][]byte, len(names))
	for k, name := range names {
		for {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil {
				out[k] = b
				break
			}
			if !os.IsNotExist(err) {
				return nil, err
			}
			if failed, _ := filepath.Glob(filepath.Join(dir, "failed-*")); len(failed) > 0 {
				return nil, fmt.Errorf("gave up waiting for %s: %s exists", name, filepath.Base(failed[0]))
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("timed out waiting for %s", name)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return out, nil
}

func roundFiles(prefix string, n int) []string {
	names := make([]string, n)
	for k := range names {
		names[k] = fmt.Sprintf("%s-%d.json", prefix, k+1)
	}
	return names
}

// readRound reads every trustee's list of messages of one round.
func readRound[M any](dir, prefix string, n int) ([]*M, error) {
	files, err := waitFiles(dir, roundFiles(prefix, n), 30*time.Second)
	if err != nil {
		return nil, err
	}
	var all []*M
	for k, b := range files {
		var ms []*M
		if err := json.Unmarshal(b, &ms); err != nil {
			return nil, fmt.Errorf("%s-%d.json: %v", prefix, k+1, err)
		}
		all = append(all, ms...)
	}
	return all, nil
}

// step opens trustee j's sealed state, runs f, and seals the state again.
func step(dir string, j int, f func(tr *Trustee) error) error {
	path := filepath.Join(dir, fmt.Sprintf("state-%d.sealed", j))
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	tr, err := OpenTrustee(data, passphrase(j))
	if err != nil {
		return err
	}
	if err := f(tr); err != nil {
		return err
	}
	data, err = tr.Seal(passphrase(j))
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}

// runTrusteeProcess is the whole life of trustee j in its own process.
func runTrusteeProcess(dir string, j int) error {
	idData, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("identity-%d.sealed", j)))
	if err != nil {
		return err
	}
	id, err := OpenIdentity(idData, passphrase(j))
	if err != nil {
		return err
	}
	rosterData, err := os.ReadFile(filepath.Join(dir, "roster.json"))
	if err != nil {
		return err
	}
	roster := new(Roster)
	if err := json.Unmarshal(rosterData, roster); err != nil {
		return err
	}
	n := roster.Size()
	tr, err := NewTrustee(roster, id)
	if err != nil {
		return err
	}
	if tr.Index() != j {
		return fmt.Errorf("identity %d has index %d in the roster", j, tr.Index())
	}
	data, err := tr.Seal(passphrase(j))
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, fmt.Sprintf("state-%d.sealed", j)), data); err != nil {
		return err
	}

	// Round 1.
	if err := step(dir, j, func(tr *Trustee) error {
		c, err := tr.Round1()
		if err != nil {
			return err
		}
		return writeJSON(filepath.Join(dir, fmt.Sprintf("commitments-%d.json", j)), []*Commitments{c})
	}); err != nil {
		return err
	}
	// Round 2, once everyone has committed.
	commitments, err := readRound[Commitments](dir, "commitments", n)
	if err != nil {
		return err
	}
	if err := step(dir, j, func(tr *Trustee) error {
		s, err := tr.Round2()
		if err != nil {
			return err
		}
		return writeJSON(filepath.Join(dir, fmt.Sprintf("shares-%d.json", j)), s)
	}); err != nil {
		return err
	}
	// Round 3: check the shares received.
	shares, err := readRound[EncryptedShare](dir, "shares", n)
	if err != nil {
		return err
	}
	if err := step(dir, j, func(tr *Trustee) error {
		c, err := tr.ReceiveShares(commitments, shares)
		if err != nil {
			return err
		}
		if c == nil {
			c = []*Complaint{}
		}
		return writeJSON(filepath.Join(dir, fmt.Sprintf("complaints-%d.json", j)), c)
	}); err != nil {
		return err
	}
	// Round 4: answer complaints.
	complaints, err := readRound[Complaint](dir, "complaints", n)
	if err != nil {
		return err
	}
	if err := step(dir, j, func(tr *Trustee) error {
		r, err := tr.Respond(complaints)
		if err != nil {
			return err
		}
		if r == nil {
			r = []*ComplaintResponse{}
		}
		return writeJSON(filepath.Join(dir, fmt.Sprintf("responses-%d.json", j)), r)
	}); err != nil {
		return err
	}
	// Finish from the published record.
	responses, err := readRound[ComplaintResponse](dir, "responses", n)
	if err != nil {
		return err
	}
	return step(dir, j, func(tr *Trustee) error {
		res, ks, err := tr.Finish(&Ceremony{Roster: roster, Commitments: commitments, Shares: shares, Complaints: complaints, Responses: responses})
		if err != nil {
			return err
		}
		sealedShare, err := ks.Seal(passphrase(j))
		if err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(dir, fmt.Sprintf("keyshare-%d.sealed", j)), sealedShare); err != nil {
			return err
		}
		return writeJSON(filepath.Join(dir, fmt.Sprintf("result-%d.json", j)), res)
	})
}

// TestTrusteeProcess is the body of one trustee process; it does nothing
// unless TestTrusteeProcesses started this binary for it.
func TestTrusteeProcess(t *testing.T) {
	dir := os.Getenv(envDir)
	if dir == "" {
		t.Skip("runs only as a child of TestTrusteeProcesses")
	}
	j, err := strconv.Atoi(os.Getenv(envIndex))
	if err != nil {
		t.Fatal(err)
	}
	if err := runTrusteeProcess(dir, j); err != nil {
		// Tell the others that this trustee gave up, then fail.
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("failed-%d", j)), []byte(err.Error()), 0o600)
		t.Fatalf("trustee %d: %v", j, err)
	}
}

// TestTrusteeProcesses runs the ceremony as n separate OS processes that
// exchange files in a shared folder, and checks that all derived the same
// joint key, that it is the one VerifyCeremony derives from the files, and
// that the sealed key shares decrypt.
func TestTrusteeProcesses(t *testing.T) {
	if os.Getenv(envDir) != "" {
		t.Skip("child process")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip("no executable:", err)
	}
	const n, th = 4, 3
	dir := t.TempDir()
	members := make([]Member, n)
	for k := range members {
		id, err := NewIdentity(names[k])
		if err != nil {
			t.Fatal(err)
		}
		data, err := id.Seal(passphrase(k + 1))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("identity-%d.sealed", k+1)), data, 0o600); err != nil {
			t.Fatal(err)
		}
		members[k] = id.Member(k + 1)
	}
	roster, err := NewRoster("process test election", th, members)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeJSON(filepath.Join(dir, "roster.json"), roster); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	for k := range cmds {
		cmds[k] = exec.CommandContext(ctx, exe, "-test.run=^TestTrusteeProcess$", "-test.count=1")
		cmds[k].Env = append(os.Environ(), envDir+"="+dir, envIndex+"="+strconv.Itoa(k+1))
		outs[k] = new(bytes.Buffer)
		cmds[k].Stdout, cmds[k].Stderr = outs[k], outs[k]
		if err := cmds[k].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for k, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("trustee process %d: %v\n%s", k+1, err, outs[k])
		}
	}

	// Everyone derived the same result, which is the verifier's.
	results, err := waitFiles(dir, roundFiles("result", n), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < n; k++ {
		if !bytes.Equal(results[k], results[0]) {
			t.Fatalf("trustee %d derived another result:\n%s\n%s", k+1, results[k], results[0])
		}
	}
	c := &Ceremony{Roster: roster}
	if c.Commitments, err = readRound[Commitments](dir, "commitments", n); err != nil {
		t.Fatal(err)
	}
	if c.Shares, err = readRound[EncryptedShare](dir, "shares", n); err != nil {
		t.Fatal(err)
	}
	if c.Complaints, err = readRound[Complaint](dir, "complaints", n); err != nil {
		t.Fatal(err)
	}
	if c.Responses, err = readRound[ComplaintResponse](dir, "responses", n); err != nil {
		t.Fatal(err)
	}
	res, err := VerifyCeremony(c)
	if err != nil {
		t.Fatal(err)
	}
	if j, _ := res.MarshalJSON(); !bytes.Equal(j, results[0]) {
		t.Fatalf("the verifier derives another result:\n%s\n%s", j, results[0])
	}
	if len(res.Qualified) != n || len(c.Shares) != n*(n-1) {
		t.Fatalf("qualified %v, %d shares", res.Qualified, len(c.Shares))
	}

	// The sealed key shares of trustees 1, 3 and 4 decrypt.
	pk, _ := res.ElectionKey()
	cts, ms := testCiphertexts(pk, 5)
	var lists []*ShareList
	for _, j := range []int{4, 1, 3} {
		data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("keyshare-%d.sealed", j)))
		if err != nil {
			t.Fatal(err)
		}
		ks, err := OpenKeyShare(data, passphrase(j))
		if err != nil {
			t.Fatal(err)
		}
		l, err := ks.DecryptSharesUnchecked([]byte("base"), cts)
		if err != nil {
			t.Fatal(err)
		}
		lists = append(lists, l)
	}
	dec, err := Combine([]byte("base"), res, cts, lists)
	if err != nil {
		t.Fatal(err)
	}
	for i, M := range dec.Plaintexts {
		if M.Equal(group.NewElement().ScalarBaseMult(new(group.Scalar).SetUint64(ms[i]))) != 1 {
			t.Fatalf("ciphertext %d", i)
		}
	}
}
