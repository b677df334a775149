package demo

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/version"
	"github.com/sandogh/sandogh/trustee"
)

// The derivations are the documented SHA-256 strings; the examples' seeded
// records depend on them byte for byte.
func TestSeedsDerivations(t *testing.T) {
	s := Seeds{Tag: "sandogh guild example", Seed: "x"}
	want := sha256.Sum256([]byte("sandogh guild example trustee identity\x00x\x003"))
	if got := s.Secret("trustee identity", 3); !bytes.Equal(got, want[:]) {
		t.Errorf("Secret: %x, want %x", got, want)
	}
	kw := sha256.Sum256([]byte("sandogh guild example station key\x00x\x00station-1"))
	if got := s.StationKey("station-1"); !got.Equal(ed25519.NewKeyFromSeed(kw[:])) {
		t.Error("StationKey differs from its derivation")
	}
	// Rand is ChaCha8 keyed with SHA-256(tag ‖ " seed" ‖ 0 ‖ seed): two
	// sources from the same seed agree, another seed or tag differs.
	a, b := s.Rand(), s.Rand()
	c := Seeds{Tag: s.Tag, Seed: "y"}.Rand()
	d := Seeds{Tag: "sandogh council example", Seed: "x"}.Rand()
	x := a.Uint64()
	if b.Uint64() != x || c.Uint64() == x || d.Uint64() == x {
		t.Error("Rand is not a function of the tag and the seed")
	}
	// Unseeded: fresh secrets on every call.
	u := Seeds{Tag: s.Tag}
	if bytes.Equal(u.Secret("a", 1), u.Secret("a", 1)) || u.Rand().Uint64() == u.Rand().Uint64() {
		t.Error("an unseeded run repeats its secrets")
	}
	if len(u.Secret("a", 1)) != 32 {
		t.Error("a secret is not 32 bytes")
	}
}

func TestBytes(t *testing.T) {
	r1, r2 := Seeds{Seed: "b"}.Rand(), Seeds{Seed: "b"}.Rand()
	got := Bytes(r1, 5)
	for i := range got {
		if want := byte(r2.Uint32()); got[i] != want {
			t.Fatalf("byte %d: %x, want the low byte of a Uint32 %x", i, got[i], want)
		}
	}
}

func TestCheckTrustees(t *testing.T) {
	for _, c := range []struct {
		n, t int
		want string
	}{
		{5, 3, ""},
		{1, 1, ""},
		{2, 3, "x: threshold 3 is not between 1 and the number of trustees 2"},
		{3, 0, "x: threshold 0 is not between 1 and the number of trustees 3"},
		{trustee.MaxTrustees + 1, 2, "x: at most " + strconv.Itoa(trustee.MaxTrustees) + " trustees"},
	} {
		err := CheckTrustees("x", c.n, c.t)
		if (err == nil) != (c.want == "") || err != nil && err.Error() != c.want {
			t.Errorf("n=%d t=%d: %v, want %q", c.n, c.t, err, c.want)
		}
	}
}

func TestAbsentTrustee(t *testing.T) {
	r := Seeds{Seed: "a"}.Rand()
	for range 100 {
		if a := AbsentTrustee(r, 5, 3); a < 1 || a > 5 {
			t.Fatalf("absent trustee %d outside 1..5", a)
		}
		if a := AbsentTrustee(r, 3, 3); a != 0 {
			t.Fatalf("absent trustee %d when all are needed", a)
		}
	}
	// The draw happens either way.
	r1, r2 := Seeds{Seed: "a"}.Rand(), Seeds{Seed: "a"}.Rand()
	AbsentTrustee(r1, 4, 4)
	AbsentTrustee(r2, 4, 2)
	if r1.Uint64() != r2.Uint64() {
		t.Error("AbsentTrustee draws differently when n = t")
	}
}

// A seeded ceremony is reproducible and succeeds with every trustee's key
// share; an unseeded one differs.
func TestRunCeremony(t *testing.T) {
	s := Seeds{Tag: "test", Seed: "c"}
	c1, ks1, ids1, err := RunCeremony(s, "e", 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	c2, _, _, err := RunCeremony(s, "e", 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(ks1) != 3 || len(ids1) != 3 || len(c1.Commitments) != 3 {
		t.Fatalf("%d key shares, %d identities, %d commitments", len(ks1), len(ids1), len(c1.Commitments))
	}
	for k, ks := range ks1 {
		if ks.Index() != k+1 {
			t.Errorf("key share %d has index %d", k, ks.Index())
		}
	}
	if !bytes.Equal(c1.Commitments[0].Bytes(), c2.Commitments[0].Bytes()) {
		t.Error("a seeded ceremony is not reproducible")
	}
	c3, _, _, err := RunCeremony(Seeds{Tag: "test"}, "e", 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(c1.Commitments[0].Bytes(), c3.Commitments[0].Bytes()) {
		t.Error("an unseeded ceremony repeats a seeded one")
	}
	if _, _, _, err := RunCeremony(s, "e", 2, 3); err == nil {
		t.Error("a ceremony with t > n succeeded")
	}
}

func TestChainTipNext(t *testing.T) {
	tip := &ChainTip{Seq: 41, Code: ballot.ConfirmationCode{7}}
	h := tip.Next("station-9")
	if h.BallotID != "station-9/42" || h.Device != "station-9" || h.Sequence != 42 || h.Previous != tip.Code {
		t.Errorf("header %+v", h)
	}
}

func TestChallengers(t *testing.T) {
	c := Challengers(Seeds{Seed: "c"}.Rand(), 10, 4)
	if len(c) != 4 {
		t.Fatalf("%d challengers, want 4", len(c))
	}
	for v := range c {
		if v < 0 || v >= 10 {
			t.Errorf("challenger %d is not a voter", v)
		}
	}
}

func TestFileSums(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "a", "b", "f"), []byte("1"), 0o644)
	os.WriteFile(filepath.Join(dir, "g"), []byte("2"), 0o644)
	sums, err := FileSums(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 2 || sums["a/b/f"] != sha256.Sum256([]byte("1")) || sums["g"] != sha256.Sum256([]byte("2")) {
		t.Errorf("sums %x", sums)
	}
	if _, err := FileSums(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing folder has sums")
	}
}

// TestDecrypted: one absent trustee is "Trustee 5 was absent", not Go's
// "Trustee [5] was absent".
func TestDecrypted(t *testing.T) {
	for _, tt := range []struct {
		absent, combined []int
		want             string
	}{
		{nil, []int{1, 2}, ""},
		{[]int{5}, []int{1, 2, 4}, "Trustee 5 was absent; trustees 1, 2 and 4 decrypted the tally."},
		{[]int{2, 5}, []int{1}, "Trustees 2 and 5 were absent; trustee 1 decrypted the tally."},
	} {
		if got := Decrypted(tt.absent, tt.combined, "the tally"); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestLogger(t *testing.T) {
	var b bytes.Buffer
	Logger{W: &b}.Printf("a %d", 1)
	Logger{}.Printf("nothing")
	if b.String() != "a 1\n" {
		t.Errorf("got %q", b.String())
	}
}

func TestCommand(t *testing.T) {
	newCmd := func(stdout, stderr *bytes.Buffer) (*Command, *int) {
		c := NewCommand("demo", "sim", "Does things.\n", "rec", stdout, stderr)
		n := c.Flags.Int("n", 3, "a count")
		return c, n
	}
	var stdout, stderr bytes.Buffer
	c, n := newCmd(&stdout, &stderr)
	if code, ok := c.Parse([]string{"-n", "4", "-q"}); !ok || code != 0 || *n != 4 || c.Progress() != nil || !c.Given("n") || c.Given("out") {
		t.Errorf("parse: %d %v n=%d progress %v", code, ok, *n, c.Progress())
	}
	if !c.AtLeast("n", 4, 1) || c.AtLeast("n", 0, 1) || !strings.Contains(stderr.String(), "demo: -n 0: must be at least 1\n") {
		t.Errorf("AtLeast: %q", stderr.String())
	}
	if c.Between("out", 7, 1, 5, ", the number of things") || !strings.Contains(stderr.String(), "demo: -out 7: must be between 1 and 5, the number of things\n") {
		t.Errorf("Between: %q", stderr.String())
	}
	if got := c.Value("n"); got != "-n 4" {
		t.Errorf("Value of a given flag: %q", got)
	}
	for _, tt := range []struct {
		args   []string
		code   int
		want   string
		stdout string
	}{
		{[]string{"-h"}, 0, "Usage: demo [flags]\n\nDoes things.\n\nFlags (a flag not given has its default", ""},
		{[]string{"-h"}, 0, "\nExit status:\n  0  the election ran", ""},
		{[]string{"-version"}, 0, "", "sandogh " + version.Version + "\n"},
		{[]string{"extra"}, 2, "demo: unexpected argument \"extra\"", ""},
		{[]string{"-n", "x"}, 2, "invalid value", ""},
	} {
		stdout.Reset()
		stderr.Reset()
		c, _ := newCmd(&stdout, &stderr)
		code, ok := c.Parse(tt.args)
		if ok || code != tt.code || !strings.Contains(stderr.String(), tt.want) || stdout.String() != tt.stdout {
			t.Errorf("%v: code %d, ok %v, stdout %q, stderr %q", tt.args, code, ok, stdout.String(), stderr.String())
		}
	}
	stderr.Reset()
	c, _ = newCmd(&stdout, &stderr)
	if c.Parse(nil); c.Value("n") != "-n 3, its default" {
		t.Errorf("Value of a flag not given: %q", c.Value("n"))
	}
	if code := c.Failed(&UsageError{Msg: "-out x is a file"}); code != 2 || stderr.String() != "demo: -out x is a file\n" {
		t.Errorf("Failed(UsageError): %d, %q", code, stderr.String())
	}
	stderr.Reset()

	if c.Progress() != &stderr {
		t.Error("progress does not go to stderr without -q")
	}
	if code := c.Failed(os.ErrNotExist); code != 1 || stderr.String() != "demo: file does not exist\n" {
		t.Errorf("Failed: %d, %q", code, stderr.String())
	}
	// The example package's name is not shown, and the command's is not
	// repeated.
	for _, tt := range []struct{ err, want string }{
		{"sim: threshold 9 is too high", "demo: threshold 9 is too high\n"},
		{"demo: no voters", "demo: no voters\n"},
		{"sim: demo: nested", "demo: nested\n"},
		{"ballot: sim: not a prefix", "demo: ballot: sim: not a prefix\n"},
	} {
		stderr.Reset()
		if c.Failed(errors.New(tt.err)); stderr.String() != tt.want {
			t.Errorf("Failed(%q) printed %q, want %q", tt.err, stderr.String(), tt.want)
		}
	}
}
