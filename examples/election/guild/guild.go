// Package guild runs a complete, simulated guild-union board election with
// sandogh and writes its election record: the program examples/election is
// a thin command around Run, and the election package's tests use it to make
// records to verify and tamper with.
//
// The election: the members of a guild union elect a board from 15
// candidates, each voter marking up to 7; the first 7 are main members and
// the next 3 alternates. Five trustees (threshold 3) hold the election key;
// one of them is absent when the tally is decrypted. Members vote at two
// polling stations, one of which loses its connection for part of the day,
// keeps its ballots and uploads them when it is back; a few voters challenge
// their ballot to check the station's honesty, then vote again. Each station
// has a committee of officials (keys in the manifest): at the end of the day
// every device signs its closing certificate, which the officials co-sign,
// and the second station's committee records the outage in its signed
// incident log. With Config.ReplaceDevice, the second station's device fails
// late in the day and a spare device replaces it, after an incident.
// With Config.Weighted, the election is a cooperative's instead: every
// member votes remotely with a credential that carries her public weight
// (her shares), and the board is elected by weighted votes.
//
// The code reads as a walkthrough of the library's steps, in order:
// key ceremony, election parameters, device openings, encryption and the
// ballot box, closings and incidents, the encrypted tally, decryption shares, results. It is an
// example: the trustees, the stations and the voters all live in one
// process, and a real deployment runs each on its own machine.
package guild

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// Config describes the election to simulate. The zero value of a field
// means its default, the values of the guild-union scenario.
type Config struct {
	// Voters is the number of members who vote at the polling stations
	// (default 1000).
	Voters int
	// Trustees and Threshold are n and t of the key ceremony (default 5,
	// and a majority of the trustees, n/2+1). One trustee is absent at
	// decryption if n > t.
	Trustees, Threshold int
	// Challenged is the number of voters who challenge their first ballot
	// and then vote again, at most Voters (default: one per 200 voters, at
	// least 2, at most Voters); NoChallenges means none (Challenged must
	// then be 0).
	Challenged   int
	NoChallenges bool
	// RemoteVoters vote from home with a credential instead of at a
	// station (default 0); with Revotes of them casting a second ballot
	// that replaces the first (the manifest's policy is then
	// last-ballot-counts).
	RemoteVoters, Revotes int
	// Out is the record's folder (default "record"), which must not exist
	// or be empty (election.Create). The command writes the record in a
	// temporary folder and puts it in place itself (demo.OutDir).
	Out string
	// Seed, if not empty, makes the run reproducible byte for byte: the
	// trustees' identities, polynomials, share encryptions and proof
	// nonces (package trustee's FromSeed constructors), the stations' and
	// credentials' keys, the votes, every ballot's nonce seed, the
	// challenges and the offline period all derive from it, and the
	// record's files are the same on every run. Only the random weights of
	// batch verification, which never reach the record, still come from
	// crypto/rand. A real election never uses a seed.
	Seed string
	// TieBreakSeed, if not empty, is the public seed that breaks ties for
	// a seat (tally.NewResults): at most ballot.MaxTieBreakSeedSize bytes,
	// written in the manifest (ballot.Manifest.TieBreakSeed) before voting,
	// so that it is bound into the base hash.
	TieBreakSeed string
	// ReplaceDevice simulates a failure: station-2's device breaks at 85%
	// of the day and the spare device station-2-spare, registered for
	// hall-2, replaces it (ballot.ReplaceDevice, after the station's
	// committee records a device-replaced incident) and closes instead of
	// it.
	ReplaceDevice bool
	// Weighted, if not 0, makes the election weighted (a cooperative whose
	// members' votes are weighed by their shares): the manifest's
	// MaxWeight is Weighted, and each voter's credential carries a random
	// weight 1 … Weighted. A weighted election has remote voters only
	// (docs/spec.md, "Weighted voters"): RemoteVoters vote (default 200),
	// Voters must be 0, there are no stations and no challenges.
	Weighted uint32
	// Progress receives one line per step and progress lines while voting;
	// nil means no output.
	Progress io.Writer
}

// Outcome is what Run returns.
type Outcome struct {
	// Dir is the record's folder.
	Dir string
	// Results are the published results.
	Results *tally.Results
	// Absent is the trustees absent at decryption, and Combined those
	// whose shares were combined.
	Absent, Combined []int
	// Cast and Challenged count the ballots in the record; Counted the
	// ballots in the tally.
	Cast, Challenged, Counted int
	// Offline is the number of ballots the offline station uploaded late.
	Offline int
	// KeyShares are the trustees' key shares, by index. A real election
	// never gathers them in one place; the simulation returns them so that
	// tests can play trustees.
	KeyShares []*trustee.KeyShare
}

// Candidates are the guild union's candidates: code and name.
var Candidates = []ballot.Candidate{
	{Code: 101, Name: "Azadeh Karimi"}, {Code: 102, Name: "Bijan Moradi"},
	{Code: 103, Name: "Cyrus Tehrani"}, {Code: 104, Name: "Darya Hosseini"},
	{Code: 105, Name: "Elham Rostami"}, {Code: 106, Name: "Farhad Jafari"},
	{Code: 107, Name: "Golnar Ahmadi"}, {Code: 108, Name: "Hamid Rezaei"},
	{Code: 109, Name: "Iran Sadeghi"}, {Code: 110, Name: "Jamshid Nouri"},
	{Code: 111, Name: "Kimia Farahani"}, {Code: 112, Name: "Laleh Bahrami"},
	{Code: 113, Name: "Mehdi Zand"}, {Code: 114, Name: "Nasrin Ghaffari"},
	{Code: 115, Name: "Omid Shirazi"},
}

// Manifest returns the election's manifest: one board contest, vote for up
// to 7 of 15, 7 main members and 3 alternates.
func Manifest(policy ballot.CredentialPolicy) *ballot.Manifest {
	return &ballot.Manifest{
		ElectionID: "guild-union-board-1404",
		Title:      "Guild union board election 1404",
		Policy:     policy,
		Contests: []ballot.Contest{{
			ID:         "board",
			Title:      "Board of directors: vote for up to 7",
			Kind:       ballot.UpTo,
			Limit:      7,
			Seats:      7,
			Alternates: 3,
			Candidates: append([]ballot.Candidate(nil), Candidates...),
		}},
	}
}

// The stations. Station 2 goes offline for part of the day.
var stations = []string{"station-1", "station-2"}

// spareDevice is hall-2's spare device (Config.ReplaceDevice).
const spareDevice = "station-2-spare"

// electionDay is when the stations open (recorded in their openings).
var electionDay = time.Date(2025, 6, 12, 8, 0, 0, 0, time.UTC)

func (c *Config) defaults() error {
	if c.Weighted > 0 {
		if c.Voters != 0 || c.Challenged != 0 || c.ReplaceDevice {
			return errors.New("guild: a weighted election has remote voters only: Voters, Challenged and ReplaceDevice must be zero")
		}
		if c.RemoteVoters == 0 {
			c.RemoteVoters = 200
		}
		c.NoChallenges = true
	} else if c.Voters == 0 {
		c.Voters = 1000
	}
	if c.Trustees == 0 {
		c.Trustees = 5
	}
	if c.Threshold == 0 {
		c.Threshold = c.Trustees/2 + 1
	}
	if c.Out == "" {
		c.Out = "record"
	}
	if c.Challenged == 0 && !c.NoChallenges {
		c.Challenged = min(c.Voters, max(2, c.Voters/200))
	}
	switch {
	case c.Voters < 0 || c.RemoteVoters < 0 || c.Revotes < 0 || c.Challenged < 0:
		return errors.New("guild: negative count")
	case c.Challenged > c.Voters:
		return fmt.Errorf("guild: %d challenged voters but only %s", c.Challenged, prose.Count(c.Voters, "voter"))
	case c.NoChallenges && c.Challenged != 0:
		return fmt.Errorf("guild: %d challenged voters and NoChallenges", c.Challenged)
	case c.Voters+c.RemoteVoters == 0:
		return errors.New("guild: no voters")
	case c.Revotes > c.RemoteVoters:
		return fmt.Errorf("guild: %s but only %s", prose.Count(c.Revotes, "revote"), prose.Count(c.RemoteVoters, "remote voter"))
	case len(c.TieBreakSeed) > ballot.MaxTieBreakSeedSize:
		return fmt.Errorf("guild: the tie-break seed is %d bytes, more than %d", len(c.TieBreakSeed), ballot.MaxTieBreakSeedSize)
	}
	return demo.CheckTrustees("guild", c.Trustees, c.Threshold)
}

// StationKey returns the signing key of polling station id in a run with
// the given (non-empty) Seed. A real station generates its key and never
// reveals it; the simulation derives it so that a seeded run is
// reproducible, and so that tests can play a station that signs whatever
// it likes.
func StationKey(seed, id string) ed25519.PrivateKey {
	return demo.Seeds{Tag: seedTag, Seed: seed}.StationKey(id)
}

// OfficialKey returns the signing key of station official id in a run with
// the given (non-empty) Seed, derived as StationKey derives a station's.
func OfficialKey(seed, id string) ed25519.PrivateKey {
	return demo.Seeds{Tag: seedTag, Seed: seed}.OfficialKey(id)
}

// seedTag separates the derivations of this example's seeded runs from
// those of the other examples.
const seedTag = "sandogh guild example"

// seeds returns the derivations of the run's secrets and choices: from
// Seed if given, from crypto/rand otherwise.
func (c *Config) seeds() demo.Seeds { return demo.Seeds{Tag: seedTag, Seed: c.Seed} }

// Run simulates the election and writes its record. See the package
// documentation for the scenario.
func Run(cfg Config) (*Outcome, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	log := demo.Logger{W: cfg.Progress}
	seeds := cfg.seeds()
	rng := seeds.Rand()
	policy := ballot.OneBallotPerCredential
	if cfg.Revotes > 0 {
		policy = ballot.LastBallotCounts
	}
	manifest := Manifest(policy)
	manifest.TieBreakSeed = ballot.TieBreakSeed(cfg.TieBreakSeed)
	manifest.MaxWeight = cfg.Weighted
	w, err := election.Create(cfg.Out)
	if err != nil {
		return nil, err
	}

	// 1. The key ceremony, message by message.
	log.Printf("key ceremony: %s, threshold %d", prose.Count(cfg.Trustees, "trustee"), cfg.Threshold)
	ceremony, keyShares, _, err := demo.RunCeremony(seeds, manifest.ElectionID, cfg.Trustees, cfg.Threshold)
	if err != nil {
		return nil, err
	}
	keys, err := w.WriteCeremony(ceremony)
	if err != nil {
		return nil, err
	}

	// 2. The election's parameters: manifest, joint key, trustees'
	// verification keys, registered stations and the credential list.
	// Each remote voter's device makes her credential
	// (ballot.GenerateCredential; from the seed in a seeded run) and sends
	// only its public key to the registrar, who lists the public keys:
	// nobody but the voter can sign her ballot.
	var stationKeys map[string]ed25519.PrivateKey
	var devices []ballot.RegisteredDevice
	if cfg.Weighted == 0 {
		stationKeys, devices = demo.StationKeys(seeds, rng, stations)
	}
	hall2 := []string{"station-2"}
	if cfg.ReplaceDevice {
		k, d := demo.StationKeys(seeds, rng, []string{spareDevice})
		stationKeys[spareDevice] = k[spareDevice]
		devices = append(devices, d...)
		hall2 = append(hall2, spareDevice)
	}
	// Each station has a committee of officials, who co-sign its closing
	// certificate (two of three at hall-1, one of two at hall-2).
	officialKeys := make(map[string]ed25519.PrivateKey)
	halls := []ballot.Station{
		{ID: "hall-1", Devices: []string{"station-1"}, ClosingCosignatures: 2},
		{ID: "hall-2", Devices: hall2, ClosingCosignatures: 1},
	}
	if cfg.Weighted > 0 {
		halls = nil
	}
	for i, st := range halls {
		for _, id := range [][]string{{"hall-1/chair", "hall-1/secretary", "hall-1/observer"}, {"hall-2/chair", "hall-2/secretary"}}[i] {
			k := seeds.OfficialKey(id)
			officialKeys[id] = k
			st.Officials = append(st.Officials, ballot.Official{ID: id, PublicKey: k.Public().(ed25519.PublicKey)})
		}
		manifest.Stations = append(manifest.Stations, st)
	}
	creds := make([]*ballot.Credential, cfg.RemoteVoters)
	pubs := make([]ed25519.PublicKey, cfg.RemoteVoters)
	for i := range creds {
		if cfg.Seed != "" {
			creds[i], err = ballot.NewCredential(demo.Bytes(rng, ed25519.SeedSize))
		} else {
			creds[i], err = ballot.GenerateCredential()
		}
		if err != nil {
			return nil, err
		}
		pubs[i] = creds[i].PublicKey()
	}
	credList, err := ballot.NewCredentialList(pubs)
	if cfg.Weighted > 0 {
		// The registrar lists each member's key with her shares, public
		// and fixed before voting (they enter the base hash).
		weights := make([]uint32, len(pubs))
		for i := range weights {
			weights[i] = 1 + uint32(rng.IntN(int(cfg.Weighted)))
		}
		credList, err = ballot.NewWeightedCredentialList(pubs, weights)
	}
	if err != nil {
		return nil, err
	}
	pk, err := keys.ElectionKey()
	if err != nil {
		return nil, err
	}
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest: manifest, PublicKey: pk, VerificationKeys: keys.VerificationKeys, Threshold: keys.Threshold,
		Devices: devices, Credentials: credList,
	})
	if err != nil {
		return nil, err
	}
	if err := w.WriteElection(e, keys); err != nil {
		return nil, err
	}
	log.Printf("election %s: base hash %x", manifest.ElectionID, e.BaseHash())

	// 3. Voting: the ballot box keeps its file in the record.
	box, err := w.OpenBox(e)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Dir: cfg.Out, KeyShares: keyShares}
	if err := vote(&cfg, rng, e, box, stationKeys, officialKeys, creds, out, log); err != nil {
		box.Close()
		return nil, err
	}
	if err := box.Close(); err != nil {
		return nil, err
	}
	// The authority publishes the SHA-256 of the closed box's file.
	closed, err := demo.BallotsDigest(w.BallotsPath())
	if err != nil {
		return nil, err
	}

	// 4. The encrypted tally of the ballots that count.
	log.Printf("tally: adding up the cast ballots")
	et, err := w.FinishBallots(e)
	if err != nil {
		return nil, err
	}
	out.Counted = int(et.Ballots)

	// 5. Decryption. A trustee decrypts only a tally that it recomputed
	// from the record of the closed box itself: it verifies the record up
	// to the encrypted tally (checks 1 to 11), then computes its shares of
	// that tally. (In this simulation the trustees share one verification;
	// each real trustee runs it on its own copy of the record.)
	log.Printf("decryption: the trustees verify the record up to its encrypted tally")
	rec, err := election.VerifyForDecryption(cfg.Out, closed, nil)
	if err != nil {
		return nil, err
	}
	absent := demo.AbsentTrustee(rng, cfg.Trustees, cfg.Threshold)
	var lists []*trustee.ShareList
	var present []int
	for _, ks := range keyShares {
		if ks.Index() == absent {
			continue
		}
		l, err := demo.TallyShares(seeds, "decryption shares", rec, ks)
		if err != nil {
			return nil, err
		}
		if err := w.WriteShareList(l); err != nil {
			return nil, err
		}
		lists, present = append(lists, l), append(present, ks.Index())
	}
	if absent != 0 {
		out.Absent = []int{absent}
		log.Printf("decryption: trustee %d is absent; shares published by %s", absent, prose.Counted("trustee", present))
	}
	totals, dec, err := tally.Decrypt(e, keys, et, lists)
	if err != nil {
		return nil, err
	}
	out.Combined = dec.Trustees

	// 6. The results, last file of the record.
	if out.Results, err = demo.WriteResults(w, manifest, totals); err != nil {
		return nil, err
	}
	return out, nil
}

// popularity weights the candidates so that the result has a shape: a few
// favourites, a middle group that competes for the last seats, and
// outsiders.
var popularity = []float64{9, 4, 8, 6, 3, 7, 5, 5, 2, 6, 4, 3, 7, 2, 5}

// randomVote draws a voter's choices: 1 to 7 marks (sometimes none),
// favouring popular candidates.
func randomVote(r *mrand.Rand) ballot.Vote {
	n := r.IntN(8) // 0..7 marks
	if r.IntN(10) == 0 {
		n = 7
	}
	marks := map[uint32]uint64{}
	for len(marks) < n {
		total := 0.0
		for k, p := range popularity {
			if _, ok := marks[Candidates[k].Code]; !ok {
				total += p
			}
		}
		x := r.Float64() * total
		for k, p := range popularity {
			if _, ok := marks[Candidates[k].Code]; ok {
				continue
			}
			if x -= p; x < 0 {
				marks[Candidates[k].Code] = 1
				break
			}
		}
	}
	return ballot.Vote{"board": marks}
}

// An event is one ballot to encrypt, in the order the voters come.
type event struct {
	station  string // "" for a remote voter
	voter    int
	vote     ballot.Vote
	seed     []byte
	challeng bool // the voter challenges this ballot (and votes again)
	cred     *ballot.Credential
	late     bool // encrypted while the station is offline: uploaded later
	b        *ballot.Ballot
	err      error
	done     chan struct{}
}

// vote simulates the day: the voters come to the stations (or vote from
// home), the stations encrypt their ballots in chain order, and the ballot
// box accepts them in the order they arrive, the offline station's backlog
// at the moment it reconnects.
func vote(cfg *Config, rng *mrand.Rand, e *ballot.Election, box *ballot.Box, keys, officials map[string]ed25519.PrivateKey, creds []*ballot.Credential, out *Outcome, log demo.Logger) error {
	// Plan the day: every random choice is drawn here, in order.
	challengers := demo.Challengers(rng, cfg.Voters, cfg.Challenged)
	var plan []*event
	for v := range cfg.Voters {
		st := stations[rng.IntN(len(stations))]
		if challengers[v] {
			plan = append(plan, &event{station: st, voter: v, vote: randomVote(rng), seed: demo.Bytes(rng, 32), challeng: true})
		}
		plan = append(plan, &event{station: st, voter: v, vote: randomVote(rng), seed: demo.Bytes(rng, 32)})
	}
	for i, c := range creds {
		pos := rng.IntN(len(plan) + 1)
		ev := &event{voter: cfg.Voters + i, vote: randomVote(rng), seed: demo.Bytes(rng, 32), cred: c}
		plan = append(plan[:pos], append([]*event{ev}, plan[pos:]...)...)
	}
	for i := range cfg.Revotes {
		ev := &event{voter: cfg.Voters + i, vote: randomVote(rng), seed: demo.Bytes(rng, 32), cred: creds[i]}
		plan = append(plan, ev) // a change of mind late in the day
	}
	// Station 2 is offline from 30% to 70% of the day.
	offFrom, offTo := len(plan)*3/10, len(plan)*7/10
	for i, ev := range plan {
		ev.done = make(chan struct{})
		ev.late = ev.station == "station-2" && i >= offFrom && i < offTo
	}
	// With ReplaceDevice, station-2's device breaks at 85% of the day: its
	// later voters vote on the spare device, which opens as its
	// replacement once the old device's last ballot is encrypted.
	ids := append([]string(nil), stations...)
	var lastOld *event
	if cfg.ReplaceDevice {
		for i, ev := range plan {
			switch {
			case ev.station == "station-2" && i < len(plan)*85/100:
				lastOld = ev
			case ev.station == "station-2":
				ev.station = spareDevice
			}
		}
		ids = append(ids, spareDevice)
	}
	replacement := make(chan *ballot.DeviceOpening, 1)
	weighted := e.Manifest().MaxWeight > 0 // remote voters only: no stations
	var hall2 *ballot.IncidentLog
	tips := map[string]*demo.ChainTip{}
	if !weighted {
		var err error
		if hall2, err = ballot.OpenIncidentLog(e, "hall-2"); err != nil {
			return err
		}
		// The stations open and send their opening records.
		if tips, err = demo.OpenStations(e, box, stations, keys, electionDay); err != nil {
			return err
		}
	}
	if cfg.ReplaceDevice {
		tips[spareDevice] = new(demo.ChainTip) // set when the spare opens
	}

	// Each station encrypts its ballots in order on its own goroutine;
	// remote voters' devices encrypt theirs on another.
	var wg sync.WaitGroup
	for _, id := range append(ids, "") {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opened := id != spareDevice
			for _, ev := range plan {
				if ev.station != id {
					continue
				}
				if !opened {
					// The spare opens where the old device's chain ends.
					if lastOld != nil {
						<-lastOld.done
					}
					old := tips["station-2"]
					_, o, err := ballot.ReplaceDevice(e, id, keys[id], electionDay.Add(9*time.Hour), ballot.Replacement{Device: "station-2", Sequence: old.Seq, Tip: old.Code})
					if err != nil {
						ev.err = err
						close(ev.done)
						replacement <- nil
						return
					}
					*tips[id] = demo.ChainTip{Code: o.ConfirmationCode()}
					replacement <- o
					opened = true
				}
				ev.b, ev.err = encrypt(e, ev, keys[id], tips[id])
				close(ev.done)
			}
		}()
	}
	defer wg.Wait()

	// The box receives them in the order of the day.
	var backlog []*event
	replaced := false
	submit := func(ev *event) error {
		if ev.station == spareDevice && !replaced {
			// The committee records the failure and the replacement, and
			// the spare's opening reaches the box after the old
			// device's last ballot.
			o := <-replacement
			if o == nil {
				<-ev.done
				return ev.err
			}
			log.Printf("voting: station-2's device fails; %s replaces it after its ballot %d", spareDevice, o.Replaces.Sequence)
			i, err := hall2.Record(ballot.IncidentReport{Kind: ballot.DeviceReplaced, At: electionDay.Add(9 * time.Hour), Device: "station-2", Replacement: spareDevice,
				Text: "the device of station-2 stopped responding; replaced by the spare device"}, "hall-2/chair", officials["hall-2/chair"])
			if err != nil {
				return err
			}
			if err := box.AcceptIncident(i); err != nil {
				return fmt.Errorf("guild: the box refused hall-2's incident: %v", err)
			}
			if err := box.AcceptOpening(o); err != nil {
				return fmt.Errorf("guild: the box refused the replacement's opening: %v", err)
			}
			replaced = true
		}
		<-ev.done
		if ev.err != nil {
			return ev.err
		}
		if err := box.AcceptBallot(ev.b); err != nil {
			return fmt.Errorf("guild: the box refused voter %d's ballot %s: %v", ev.voter, ev.b.ID(), err)
		}
		if ev.challeng {
			out.Challenged++
		} else {
			out.Cast++
		}
		return nil
	}
	step := max(1, len(plan)/10)
	for i, ev := range plan {
		if i == offFrom {
			log.Printf("voting: station-2 loses its connection and keeps its ballots")
		}
		if i == offTo {
			log.Printf("voting: station-2 is back online and uploads %s", prose.Count(len(backlog), "ballot"))
			for _, b := range backlog {
				if err := submit(b); err != nil {
					return err
				}
			}
			out.Offline, backlog = len(backlog), nil
		}
		if ev.late {
			backlog = append(backlog, ev)
		} else if err := submit(ev); err != nil {
			return err
		}
		if (i+1)%step == 0 {
			log.Printf("voting: %d/%d ballots", i+1, len(plan))
		}
	}
	for _, b := range backlog {
		if err := submit(b); err != nil {
			return err
		}
	}
	out.Offline += len(backlog)
	// The stations close: each signs its final tip and counts, which
	// their officials co-sign.
	closing := stations
	if replaced {
		closing = []string{"station-1", spareDevice}
	}
	if weighted {
		return nil
	}
	if err := demo.CloseStations(e, box, closing, keys, tips, officials, electionDay.Add(12*time.Hour)); err != nil {
		return err
	}
	// hall-2's committee records the outage in its incident log.
	if out.Offline > 0 {
		i, err := hall2.Record(ballot.IncidentReport{Kind: ballot.NetworkOutage, At: electionDay.Add(4 * time.Hour), Device: "station-2",
			Text: fmt.Sprintf("station-2 lost its link to the ballot box and kept %s, uploaded when the link came back", prose.Count(out.Offline, "ballot"))},
			"hall-2/chair", officials["hall-2/chair"])
		if err != nil {
			return err
		}
		if err := box.AcceptIncident(i); err != nil {
			return fmt.Errorf("guild: the box refused hall-2's incident: %v", err)
		}
	}
	return nil
}

// encrypt makes and signs the ballot of ev: a station ballot continues the
// station's chain (as ballot.Device does, but with the nonce seed of the
// plan so that a seeded run is reproducible); a remote ballot is signed
// with the voter's credential.
func encrypt(e *ballot.Election, ev *event, key ed25519.PrivateKey, tip *demo.ChainTip) (*ballot.Ballot, error) {
	var h ballot.Header
	if ev.cred != nil {
		h = ballot.Header{BallotID: fmt.Sprintf("remote/%d-%x", ev.voter, ev.seed[:4]), Credential: ev.cred.PublicKey()}
		key = ev.cred.PrivateKey()
	} else {
		h = tip.Next(ev.station)
	}
	p, err := ballot.EncryptBallot(e, h, ev.vote, ev.seed)
	if err != nil {
		return nil, err
	}
	var b *ballot.Ballot
	if ev.challeng {
		b, err = p.Challenge(key)
	} else {
		b, err = p.Cast(key)
	}
	if err != nil {
		return nil, err
	}
	if ev.cred == nil {
		tip.Add(b)
	}
	return b, nil
}
