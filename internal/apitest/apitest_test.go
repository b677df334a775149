package apitest

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// A program of testdata/module that compiles and runs: its output must hold
// every line of want, in order.
type runProgram struct {
	name string
	want []string
}

// A program of testdata/module that must not compile: the compiler's
// message about it must hold want.
type failProgram struct {
	name string
	want string
}

var runs = []runProgram{
	// A whole election through election.Writer, its record verified.
	{"election", []string{"1 Bijan 3 main", "2 Cyrus 2 not-elected", "3 Azadeh 1 not-elected", "valid: true"}},
	// 1. A ceremony of one election, a manifest of another.
	{"identity", []string{
		`WriteElection: election: WriteElection: the key ceremony is for election "election-a", and the manifest's election is "election-b"`,
		`Decrypt: tally: the key ceremony is for election "election-a", and the election is "election-b"`,
	}},
	// 2. A ballot after FinishBallots; FinishBallots with the box open;
	// the writer's steps out of order.
	{"finished", []string{
		"closed box: ballot: box ", " is closed: it accepts no more ballots",
		"box reopened on its file: ballot: box ", " was finished (election.Writer.FinishBallots made it read-only): it accepts no more ballots",
		"box reopened by the writer: election: OpenBox after FinishBallots: the ballot box was finished",
	}},
	{"boxopen", []string{"FinishBallots: election: FinishBallots: a ballot box has ballots.jsonl open: close the ballot box first (Box.Close)"}},
	{"order", []string{
		"1: election: WriteElection before WriteCeremony: the record has no trustees/result.json yet",
		"2: election: OpenBox before WriteElection: the record has no credentials.json yet",
		"3: election: WriteShareList before FinishBallots: the record has no tally/encrypted.json yet",
		"4: election: FinishBallots before OpenBox: ballots.jsonl does not exist",
		"5: election: WriteResults before the decryption: tally/shares holds 0 share lists, and the threshold is 2 (WriteShareList)",
	}},
	// 4. A single-winner contest without Seats.
	{"seats", []string{
		`Validate: ballot: contest 0 ("mayor"): seats is 0, but a contest of kind up-to elects 1 ≤ seats ≤ 2 candidates (seats 1 for a single winner)`,
		`NewElection: ballot: contest 0 ("mayor"): seats is 0`,
	}},
	// 5. Results decrypted from a share list the record does not hold.
	{"skippedshare", []string{"WriteResults: election: WriteResults before the decryption: tally/shares holds 1 share list, and the threshold is 2 (WriteShareList)"}},
}

var fails = []failProgram{
	// 3. A pending ballot has no encoding, and is not a Ballot.
	{"pendingbytes", "p.Bytes undefined (type *ballot.Pending has no field or method Bytes)"},
	{"pendingsubmit", "cannot use p (variable of type *ballot.Pending) as *ballot.Ballot value in argument to box.AcceptBallot"},
	// 1. The roster's election identifier is a string, as the manifest's.
	{"bytesid", `cannot use []byte("coop-2025") (value of type []byte) as string value in argument to trustee.NewRoster`},
}

// TestOutsideModule builds the programs of testdata/module in a temporary
// module that requires this repository through a replace directive, with
// exported names only, offline: the election runs and verifies, and each
// misuse fails to compile or fails at once with the error that names it.
func TestOutsideModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs in another module; skipped in -short mode")
	}
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		if goCmd, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to build the outside module with")
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dependOnSources(t, root)
	mod := filepath.Join(t.TempDir(), "embedder")
	copyDir(t, filepath.Join("testdata", "module"), mod)
	goMod := "module example.com/embedder\n\ngo 1.26.0\n\nrequire github.com/sandogh/sandogh v0.0.0\n\nreplace github.com/sandogh/sandogh => " + root + "\n"
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local", "GOSUMDB=off")
	gobuild := func(args ...string) ([]byte, error) {
		cmd := exec.Command(goCmd, append([]string{"build"}, args...)...)
		cmd.Dir, cmd.Env = mod, env
		return cmd.CombinedOutput()
	}

	// The programs that compile, in one build.
	bin := filepath.Join(mod, "bin")
	out, err := gobuild("-o", bin+string(filepath.Separator), "./run/...")
	if err != nil {
		if offline := regexp.MustCompile(`GOPROXY=off|module lookup disabled|cannot find module|missing go.sum entry|no required module|toolchain`); offline.Match(out) {
			t.Skipf("go cannot build the outside module offline here:\n%s", out)
		}
		t.Fatalf("the programs that should compile do not:\n%s", out)
	}
	for _, p := range runs {
		t.Run(p.name, func(t *testing.T) {
			exe := filepath.Join(bin, p.name)
			if runtime.GOOS == "windows" {
				exe += ".exe"
			}
			cmd := exec.Command(exe)
			cmd.Env = os.Environ()
			got, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v:\n%s", err, got)
			}
			rest := string(got)
			for _, w := range p.want {
				k := strings.Index(rest, w)
				if k < 0 {
					t.Fatalf("output without %q (in order):\n%s", w, got)
				}
				rest = rest[k+len(w):]
			}
			t.Logf("%s", got)
		})
	}

	// The programs that must not compile, in one build: the go command
	// reports each failing package under a line "# <import path>".
	out, err = gobuild("-o", filepath.Join(mod, "failbin")+string(filepath.Separator), "./fail/...")
	if err == nil {
		t.Fatalf("the misuses compiled:\n%s", out)
	}
	sections := map[string]string{}
	var cur string
	for _, line := range strings.Split(string(out), "\n") {
		if name, ok := strings.CutPrefix(line, "# example.com/embedder/fail/"); ok {
			cur = name
			continue
		}
		if cur != "" {
			sections[cur] += line + "\n"
		}
	}
	for _, p := range fails {
		msg, ok := sections[p.name]
		switch {
		case !ok:
			t.Errorf("%s: compiled, or no compiler message about it:\n%s", p.name, out)
		case !strings.Contains(msg, p.want):
			t.Errorf("%s: the compiler says\n%s\nwant %q", p.name, msg, p.want)
		default:
			t.Logf("%s: %s", p.name, bytes.TrimSpace([]byte(msg)))
		}
	}
}

// dependOnSources stats every Go source of the repository, so that the go
// command's test cache, which records the files a test opens or stats,
// runs this test again when one changes: the programs it builds read them
// through the replace directive, unseen by the cache.
func dependOnSources(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" && p != filepath.Join(root, "internal", "apitest", "testdata")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum") {
			_, err = os.Stat(p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// copyDir copies the tree at src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	// The copies are writable, whatever the source files' modes.
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}
