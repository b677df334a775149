package election_test

import (
	"crypto/ed25519"
	"strconv"
	"sync"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// A ruleWorld is one election of the rule tests: two contests (up to 2 of
// 3, and yes or no), three registered devices, four listed credentials and
// one outsider, two trustees, and the given credential policy.
type ruleWorld struct {
	policy   ballot.CredentialPolicy
	m        *ballot.Manifest
	e        *ballot.Election
	seeds    testSeeds
	ceremony *trustee.Ceremony
	keys     *trustee.Result
	shares   []*trustee.KeyShare
	devKeys  map[string]ed25519.PrivateKey
	devices  []string
	creds    []*ballot.Credential
	outsider *ballot.Credential
}

var ruleWorlds sync.Map // policy → *ruleWorld

func getRuleWorld(t testing.TB, policy ballot.CredentialPolicy) *ruleWorld {
	t.Helper()
	if w, ok := ruleWorlds.Load(policy); ok {
		return w.(*ruleWorld)
	}
	w := &ruleWorld{policy: policy, seeds: testSeeds{tag: "sandogh rule test", seed: string(policy)}, devKeys: map[string]ed25519.PrivateKey{}}
	w.m = &ballot.Manifest{ElectionID: "rule-" + string(policy), Title: "Rule test", Policy: policy, Contests: []ballot.Contest{
		{ID: "board", Kind: ballot.UpTo, Limit: 2, Seats: 1, Candidates: []ballot.Candidate{{Code: 1, Name: "A"}, {Code: 2, Name: "B"}, {Code: 3, Name: "C"}}},
		{ID: "budget", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "Yes"}, {Code: 2, Name: "No"}}},
	}}
	w.ceremony, w.shares = runCeremony(t, w.seeds, w.m.ElectionID, 2, 2)
	var err error
	if w.keys, err = trustee.VerifyCeremony(w.ceremony); err != nil {
		t.Fatal(err)
	}
	pk, err := w.keys.ElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	var devs []ballot.RegisteredDevice
	for _, id := range []string{"d1", "d2", "d3"} {
		k := w.seeds.stationKey(id)
		w.devKeys[id] = k
		w.devices = append(w.devices, id)
		devs = append(devs, ballot.RegisteredDevice{ID: id, PublicKey: k.Public().(ed25519.PublicKey)})
	}
	var pubs []ed25519.PublicKey
	for k := range 5 {
		cr, err := ballot.NewCredential(w.seeds.secret("credential", strconv.Itoa(k)))
		if err != nil {
			t.Fatal(err)
		}
		if k == 4 {
			w.outsider = cr
			break
		}
		w.creds = append(w.creds, cr)
		pubs = append(pubs, cr.PublicKey())
	}
	list, err := ballot.NewCredentialList(pubs)
	if err != nil {
		t.Fatal(err)
	}
	w.e, err = ballot.NewElection(ballot.Parameters{Manifest: w.m, PublicKey: pk, VerificationKeys: w.keys.VerificationKeys, Threshold: w.keys.Threshold, Devices: devs, Credentials: list})
	if err != nil {
		t.Fatal(err)
	}
	actual, _ := ruleWorlds.LoadOrStore(policy, w)
	return actual.(*ruleWorld)
}

// finishRecord writes the rest of the record in dir after the box is
// closed (the encrypted tally, the trustees' shares of the tally they
// verified, the results), verifies it, and returns the decrypted totals
// and the report.
func (w *ruleWorld) finishRecord(t testing.TB, wr *election.Writer, dir string) (*tally.Totals, *election.Report) {
	t.Helper()
	closed := boxDigest(t, dir)
	if _, err := wr.FinishBallots(w.e); err != nil {
		t.Fatalf("FinishBallots: %v", err)
	}
	rec, err := election.VerifyForDecryption(dir, closed, nil)
	if err != nil {
		t.Fatalf("the trustees' verification: %v", err)
	}
	var lists []*trustee.ShareList
	for _, ks := range w.shares {
		l, err := rec.TallySharesFromSeed(ks, w.seeds.secret("decryption shares", strconv.Itoa(ks.Index())))
		if err != nil {
			t.Fatal(err)
		}
		if err := wr.WriteShareList(l); err != nil {
			t.Fatal(err)
		}
		lists = append(lists, l)
	}
	totals, _, err := tally.Decrypt(w.e, w.keys, rec.Tally(), lists)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tally.NewResults(w.m, totals)
	if err != nil {
		t.Fatal(err)
	}
	if err := wr.WriteResults(res); err != nil {
		t.Fatal(err)
	}
	rep, err := election.Verify(dir, &election.Options{MaxFindings: -1})
	if err != nil {
		t.Fatal(err)
	}
	return totals, rep
}
