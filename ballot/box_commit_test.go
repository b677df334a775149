package ballot

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A testFile stands between a box and its file: it keeps what was written
// and how much of it was synced, counts the syncs, can hold one sync until
// the test releases it (with an error or not), and can fail writes.
type testFile struct {
	f *os.File

	mu        sync.Mutex
	written   []byte
	synced    int // len(written) at the last successful sync
	syncs     int
	hold      chan error    // if not nil, the next Sync waits for a value from it
	held      chan struct{} // closed when that Sync starts waiting
	failWrite error         // if not nil, each Write writes half its bytes and fails
}

// useTestFile makes x write through a new testFile.
func useTestFile(x *Box) *testFile {
	x.mu.Lock()
	defer x.mu.Unlock()
	tf := &testFile{f: x.f}
	x.w = tf
	return tf
}

func (tf *testFile) Write(p []byte) (int, error) {
	tf.mu.Lock()
	fail := tf.failWrite
	tf.mu.Unlock()
	if fail != nil {
		p = p[:len(p)/2]
	}
	n, err := tf.f.Write(p)
	tf.mu.Lock()
	tf.written = append(tf.written, p[:n]...)
	tf.mu.Unlock()
	if err == nil {
		err = fail
	}
	return n, err
}

func (tf *testFile) Sync() error {
	tf.mu.Lock()
	hold, held := tf.hold, tf.held
	tf.hold = nil
	tf.mu.Unlock()
	if hold != nil {
		close(held)
		if err := <-hold; err != nil {
			return err
		}
	}
	if err := tf.f.Sync(); err != nil {
		return err
	}
	tf.mu.Lock()
	tf.syncs++
	tf.synced = len(tf.written)
	tf.mu.Unlock()
	return nil
}

// count returns the number of successful syncs.
func (tf *testFile) count() int {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	return tf.syncs
}

// holdNextSync makes the next Sync wait: it returns a channel closed when
// that Sync starts waiting, and one on which the test releases it. A test
// that ends first releases it, so that the box closes.
func (tf *testFile) holdNextSync(t *testing.T) (held <-chan struct{}, release chan<- error) {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	hold := make(chan error, 1)
	tf.hold, tf.held = hold, make(chan struct{})
	t.Cleanup(func() {
		select {
		case hold <- nil:
		default:
		}
	})
	return tf.held, hold
}

// durable reports whether b's line is in what the box synced through tf.
func (tf *testFile) durable(t *testing.T, b *Ballot) bool {
	t.Helper()
	j, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	tf.mu.Lock()
	defer tf.mu.Unlock()
	return bytes.Contains(tf.written[:tf.synced], j)
}

// waitFor waits until cond, which it calls with x.mu held, holds. The
// limit only turns a hang into a failure; it is not a timing.
func waitFor(t *testing.T, x *Box, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(time.Millisecond) {
		x.mu.Lock()
		ok := cond()
		x.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s", what)
		}
	}
}

// submitAll submits each ballot from its own goroutine and returns the
// channel of their answers, in any order.
type answer struct {
	i   int
	err error
}

func submitAll(x *Box, bs []*Ballot) <-chan answer {
	out := make(chan answer, len(bs))
	for i, b := range bs {
		go func() {
			_, err := x.Accept(b.Bytes())
			out <- answer{i, err}
		}()
	}
	return out
}

// waitHeld waits until a held sync starts waiting; an answer before it is
// an answer before the line was synced.
func waitHeld(t *testing.T, held <-chan struct{}, answers <-chan answer) {
	t.Helper()
	select {
	case <-held:
	case a := <-answers:
		t.Fatalf("ballot %d answered before its line was synced: %v", a.i, a.err)
	}
}

// TestBoxGroupCommit: while one batch is being synced, the lines decided
// meanwhile wait and go out together in the next batch, with one fsync;
// no submission is answered before its line is synced.
func TestBoxGroupCommit(t *testing.T) {
	m := testManifest()
	m.Policy = LastBallotCounts
	f := newFixture(t, m)
	x, path := openTestBox(t, f)
	tf := useTestFile(x)
	n := 12
	bs := make([]*Ballot, n)
	for i := range bs {
		bs[i] = f.credentialBallot(t, fmt.Sprint("g", i), i%3, Vote{"budget": {1: 1}})
	}
	held, release := tf.holdNextSync(t)
	first := submitAll(x, bs[:1])
	waitHeld(t, held, first) // the first ballot's batch is being synced
	rest := submitAll(x, bs[1:])
	waitFor(t, x, "every ballot to wait for its batch", func() bool { return x.lines == int64(1+n) && x.waiting == n-1 || len(first)+len(rest) > 0 })
	if len(first)+len(rest) != 0 {
		t.Fatal("a submission was answered before its line was synced")
	}
	release <- nil
	for range n {
		var a answer
		select {
		case a = <-first:
		case a = <-rest:
		}
		if a.err != nil {
			t.Fatalf("ballot %d: %v", a.i, a.err)
		}
		if !tf.durable(t, bs[a.i]) {
			t.Fatalf("ballot %d acknowledged before its line was synced", a.i)
		}
	}
	if tf.count() != 2 {
		t.Fatalf("%d fsyncs for %d ballots, want 2: the first ballot's and one for the %d that waited", tf.count(), n, n-1)
	}
	x.Close()
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if y.lines != int64(1+n) {
		t.Fatalf("%d lines read back, want %d", y.lines, 1+n)
	}
}

// TestBoxRepeatWaits: a repeated submission of a line that is not yet
// synced, and a rejection that rests on it, wait for its sync; if the sync
// fails, they get the box's error, not an acknowledgement.
func TestBoxRepeatWaits(t *testing.T) {
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("fail=%v", fail), func(t *testing.T) {
			f := newFixture(t, testManifest())
			x, _ := openTestBox(t, f)
			tf := useTestFile(x)
			d, o, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
			if err != nil {
				t.Fatal(err)
			}
			held, release := tf.holdNextSync(t)
			opened := make(chan error, 2)
			go func() { opened <- x.AcceptOpening(o) }()
			select {
			case <-held:
			case err := <-opened:
				t.Fatalf("answered before the line was synced: %v", err)
			}
			go func() { opened <- x.AcceptOpening(o) }() // a repeat
			waitFor(t, x, "the repeated opening to wait", func() bool { return x.waiting == 1 || len(opened) > 0 })
			if len(opened) != 0 {
				t.Fatal("an opening was answered before its line was synced")
			}
			var sync error
			if fail {
				sync = syscall.EIO
			}
			release <- sync
			for range 2 {
				if err := <-opened; fail != (err != nil) || fail && !errors.Is(err, syscall.EIO) && !strings.Contains(err.Error(), "sync failed") {
					t.Fatalf("opening: %v", err)
				}
			}
			if fail {
				return
			}

			b := castOn(t, d, Vote{})
			// Another ballot under b's identifier: rejected for it (step
			// 6), an answer that rests on b's line.
			h := b.Header()
			pb, _ := EncryptBallot(f.e, h, Vote{"budget": {1: 1}}, seedOf("same id"))
			same, _ := pb.Cast(f.deviceKeys["station-1"])
			held, release = tf.holdNextSync(t)
			answers := submitAll(x, []*Ballot{b})
			waitHeld(t, held, answers)
			again := submitAll(x, []*Ballot{b, same})
			waitFor(t, x, "the repeat and the rejection to wait", func() bool { return x.waiting == 2 || len(answers)+len(again) > 0 })
			if len(answers)+len(again) != 0 {
				t.Fatal("answered before the line was synced")
			}
			release <- nil
			if a := <-answers; a.err != nil {
				t.Fatal(a.err)
			}
			for range 2 {
				a := <-again
				if a.i == 0 && a.err != nil {
					t.Fatalf("the repeat: %v", a.err)
				}
				if a.i == 1 {
					wantRefusal(t, a.err, StepDuplicate, -1, -1)
					wantRecorded(t, a.err, false)
				}
			}
			if !tf.durable(t, b) || tf.count() != 2 {
				t.Fatalf("durable %v, %d syncs", tf.durable(t, b), tf.count())
			}
		})
	}
}

// TestBoxFailedSync: a sync that fails breaks the box. Every submission of
// the failed batch, and every one decided after it, gets the error; the
// box then refuses everything and reports no state; what was acknowledged
// before is read back when the box is reopened, and the rest can be
// submitted again.
func TestBoxFailedSync(t *testing.T) {
	m := testManifest()
	m.Policy = LastBallotCounts
	f := newFixture(t, m)
	x, path := openTestBox(t, f)
	tf := useTestFile(x)
	d := f.openDevice(t, x, "station-1")
	before := castOn(t, d, Vote{})
	accept(t, x, before)
	n := 8
	bs := make([]*Ballot, n)
	for i := range bs {
		bs[i] = f.credentialBallot(t, fmt.Sprint("s", i), i%3, Vote{"budget": {2: 1}})
	}
	held, release := tf.holdNextSync(t)
	first := submitAll(x, bs[:1])
	waitHeld(t, held, first)
	rest := submitAll(x, bs[1:]) // decided while the first batch is synced: the next batch
	waitFor(t, x, "every ballot to wait for its batch", func() bool { return x.lines == int64(3+n) && x.waiting == n-1 || len(first)+len(rest) > 0 })
	if len(first)+len(rest) != 0 {
		t.Fatal("a submission was answered before its line was synced")
	}
	release <- syscall.EIO
	for range n {
		var a answer
		select {
		case a = <-first:
		case a = <-rest:
		}
		if a.err == nil || !strings.Contains(a.err.Error(), "sync failed, reopen the box") {
			t.Fatalf("ballot %d after a failed sync: %v", a.i, a.err)
		}
		if _, ok := a.err.(*Refusal); ok {
			t.Fatalf("ballot %d: a refusal after a failed sync: %v", a.i, a.err)
		}
	}
	// The box is broken: it refuses everything, and its state (which
	// holds the lines that failed) is not reported.
	if _, err := x.Accept(bs[0].Bytes()); err == nil || !strings.Contains(err.Error(), "sync failed") {
		t.Fatalf("a broken box: %v", err)
	}
	if _, err := x.Accept(f.credentialBallot(t, "late", 0, Vote{}).Bytes()); err == nil || !strings.Contains(err.Error(), "sync failed") {
		t.Fatalf("a broken box: %v", err)
	}
	if err := x.AcceptOpening(f.opening(t, "station-2")); err == nil || !strings.Contains(err.Error(), "sync failed") {
		t.Fatalf("a broken box: %v", err)
	}
	if _, _, ok := x.Tip("station-1"); ok {
		t.Fatal("a broken box reports a tip")
	}
	if c := x.Counted(); c != nil {
		t.Fatalf("a broken box reports %d counted", len(c))
	}
	if err := x.Close(); err == nil {
		t.Fatal("Close of a broken box reports no error")
	}
	// Reopened: the acknowledged lines are there; the lines of the failed
	// batch that reached the file were never acknowledged, and submitting
	// every ballot again is acknowledged once each.
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if seq, tip, ok := y.Tip("station-1"); !ok || seq != 1 || tip != before.ConfirmationCode() {
		t.Fatalf("tip after reopening: %d %s %v", seq, tip, ok)
	}
	accept(t, y, before)
	for _, b := range bs {
		accept(t, y, b)
	}
	if y.lines != int64(3+n) {
		t.Fatalf("%d lines, want %d", y.lines, 3+n)
	}
}

// TestBoxFailedWrite: a write that fails halfway (a full disk) breaks the
// box and leaves a torn last line, which OpenBox cuts away: the file is
// what it was before the failed batch.
func TestBoxFailedWrite(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	tf := useTestFile(x)
	accept(t, x, f.credentialBallot(t, "w0", 0, testVote()))
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tf.mu.Lock()
	tf.failWrite = syscall.ENOSPC
	tf.mu.Unlock()
	b := f.credentialBallot(t, "w1", 1, testVote())
	if _, err := x.Accept(b.Bytes()); err == nil || !errors.Is(err, syscall.ENOSPC) && !strings.Contains(err.Error(), "write failed, reopen the box") {
		t.Fatalf("a failed write: %v", err)
	}
	if _, err := x.Accept(f.credentialBallot(t, "w2", 2, testVote()).Bytes()); err == nil || !strings.Contains(err.Error(), "write failed") {
		t.Fatalf("after a failed write: %v", err)
	}
	x.Close()
	if data, _ := os.ReadFile(path); len(data) <= len(good) {
		t.Fatal("the failed write left nothing to cut")
	}
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(after, good) {
		t.Fatal("the torn line was not cut away")
	}
	accept(t, y, b)
}

// TestBoxConcurrentChains submits the chains of two devices (each in
// order, from its own goroutine), remote ballots and repeats from many
// goroutines at once (for the race detector), then reads the box back.
func TestBoxConcurrentChains(t *testing.T) {
	m := testManifest()
	m.Policy = LastBallotCounts
	f := newFixture(t, m)
	x, path := openTestBox(t, f)
	tf := useTestFile(x)
	n := 6
	var chains [][]*Ballot
	for _, id := range []string{"station-1", "station-2"} {
		d := f.openDevice(t, x, id)
		var c []*Ballot
		for i := range n {
			c = append(c, castOn(t, d, Vote{"budget": {uint32(1 + i%2): 1}}))
		}
		chains = append(chains, c)
	}
	var remote []*Ballot
	for i := range 2 * n {
		remote = append(remote, f.credentialBallot(t, fmt.Sprint("r", i), i%3, Vote{}))
	}
	syncsBefore := tf.count()
	var wg sync.WaitGroup
	check := func(b *Ballot, err error) {
		if err != nil {
			t.Error(err)
		} else if !tf.durable(t, b) {
			t.Errorf("ballot %s acknowledged before its line was synced", b.ID())
		}
	}
	for _, c := range chains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, b := range c {
				_, err := x.Accept(b.Bytes())
				check(b, err)
			}
		}()
	}
	for i, b := range remote {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := x.Accept(b.Bytes())
			check(b, err)
			_, err = x.Accept(remote[(i+1)%len(remote)].Bytes()) // another's, first or again
			check(remote[(i+1)%len(remote)], err)
		}()
	}
	wg.Wait()
	lines := x.lines
	t.Logf("%d ballots, %d fsyncs", 4*n, tf.count()-syncsBefore)
	for i, c := range chains {
		if seq, tip, _ := x.Tip(fmt.Sprint("station-", i+1)); seq != uint64(n) || tip != c[n-1].ConfirmationCode() {
			t.Fatalf("station-%d: tip %d %s", i+1, seq, tip)
		}
	}
	counted := fmt.Sprint(x.Counted())
	x.Close()
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if y.lines != lines || fmt.Sprint(y.Counted()) != counted {
		t.Fatalf("read back %d lines, want %d; counted the same: %v", y.lines, lines, fmt.Sprint(y.Counted()) == counted)
	}
}

// TestBoxCloseWaits: Close waits for the batch being synced, and the
// submissions it holds are acknowledged.
func TestBoxCloseWaits(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	tf := useTestFile(x)
	b := f.credentialBallot(t, "c0", 0, Vote{})
	held, release := tf.holdNextSync(t)
	answers := submitAll(x, []*Ballot{b})
	waitHeld(t, held, answers)
	closed := make(chan error, 1)
	go func() { closed <- x.Close() }()
	waitFor(t, x, "Close to wait", func() bool { return x.closing && x.waiting == 1 || len(answers)+len(closed) > 0 })
	if len(answers)+len(closed) != 0 {
		t.Fatal("answered or closed before the batch was synced")
	}
	if _, err := x.Accept(f.credentialBallot(t, "c1", 1, Vote{}).Bytes()); err == nil || !strings.Contains(err.Error(), "is closed") {
		t.Fatalf("a closing box: %v", err)
	}
	release <- nil
	if a := <-answers; a.err != nil || !tf.durable(t, b) {
		t.Fatalf("the submission of a closing box: %v", a.err)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}

// TestAcceptBallotsGroupCommit: batches from AcceptBallots join the group
// commit: a batch decided while another is being synced waits, answers
// nothing before its lines are synced, and shares the next sync with the
// single submissions waiting then; a failed sync fails every ballot of the
// batches waiting, a repeat and a rejection among them included.
func TestAcceptBallotsGroupCommit(t *testing.T) {
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("fail=%v", fail), func(t *testing.T) {
			m := testManifest()
			m.Policy = LastBallotCounts
			f := newFixture(t, m)
			x, _ := openTestBox(t, f)
			tf := useTestFile(x)
			d := f.openDevice(t, x, "station-1")
			chain := []*Ballot{castOn(t, d, Vote{}), castOn(t, d, Vote{}), castOn(t, d, Vote{})}
			single := f.credentialBallot(t, "single", 0, Vote{})
			before := f.credentialBallot(t, "before", 1, Vote{})
			accept(t, x, before)
			held, release := tf.holdNextSync(t)
			first := submitAll(x, []*Ballot{f.credentialBallot(t, "first", 2, Vote{})})
			waitHeld(t, held, first)
			batch := make(chan []error, 1)
			// The chain, a repeat of a synced ballot, and the chain's
			// last ballot again.
			go func() { batch <- x.AcceptBallots(append(chain, before, chain[2])) }()
			rest := submitAll(x, []*Ballot{single})
			waitFor(t, x, "the batch and the single ballot to wait", func() bool {
				return x.lines == 2+2+int64(len(chain))+1 && x.waiting == 2 || len(batch)+len(rest) > 0
			})
			if len(batch)+len(rest) != 0 {
				t.Fatal("answered before the lines were synced")
			}
			var sync error
			if fail {
				sync = syscall.EIO
			}
			release <- sync
			errs := <-batch
			a := <-rest
			<-first
			for i, err := range append(errs, a.err) {
				if fail && (err == nil || !strings.Contains(err.Error(), "sync failed")) || !fail && err != nil {
					t.Fatalf("ballot %d (fail %v): %v", i, fail, err)
				}
			}
			if fail {
				return
			}
			for _, b := range append(chain, single) {
				if !tf.durable(t, b) {
					t.Fatalf("ballot %s acknowledged before its line was synced", b.ID())
				}
			}
			if n := tf.count(); n != 4 {
				t.Fatalf("%d syncs, want 4: the opening, before, first, and one for the batch and the single ballot", n)
			}
		})
	}
}
