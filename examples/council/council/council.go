// Package council runs a complete, simulated city-council election with
// sandogh's mixnet path and writes its election record: the program
// examples/council is a thin command around Run, and the tests of package
// election use it to make records to verify and tamper with.
//
// The election: voters write up to N candidate codes (N = the number of
// seats, 21 by default) chosen from a list of M candidates (400 by
// default) on a single contest of kind ballot.CodeList, or with
// Config.Method rank up to N candidates on a contest of kind
// ballot.Ranked, counted by that method (single transferable vote,
// instant-runoff or Schulze) with every stage published. A polling-station
// device packs the codes into as few plaintexts as they fit and encrypts
// them as one row of ciphertexts, with a proof of knowledge of each nonce
// bound to the ballot. The rows of the ballots that count go through a
// cascade of mix servers — here the first m of the trustees (3 by
// default), each shuffling, re-encrypting, proving and signing its stage
// with its roster key — and the trustees present (t of n, one being
// absent) decrypt the final rows. Each row is unpacked and judged; the
// valid ones are counted per candidate, and seats are allocated as for
// boards: the first N are elected, the next ⌊N/3⌋ are alternates.
//
// With Config.Weighted, the election is a cooperative's instead: the
// members vote remotely, each signing with her credential, whose public
// weight (her shares, in a few bands so that every weight is held by
// several members) travels through the cascade as one more column of her
// row; each decrypted row counts its codes with its weight, and seats go
// by weighted counts, the unweighted ones shown beside them.
//
// The code reads as a walkthrough of the library's steps, in order: key
// ceremony, election parameters, device openings, encryption and the
// ballot box, the record's ballots, the cascade, the decryption of the
// mixed rows, results. It is an example: the trustees, the mix servers,
// the stations and the voters all live in one process, and a real
// deployment runs each on its own machine.
package council

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/proof"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/tally/apportion"
	"github.com/sandogh/sandogh/trustee"
)

// Config describes the election to simulate. The zero value of a field
// means its default, the values of the council scenario.
type Config struct {
	// Voters is the number of voters at the polling stations (default
	// 5000).
	Voters int
	// Candidates is M, the number of candidates, with codes 1..M (default
	// 400; at most ballot.MaxCodeListCandidates).
	Candidates int
	// Seats is the number of council seats and the most codes a voter
	// writes (default 21); ⌊Seats/3⌋ alternates are elected after them.
	Seats int
	// Mixers is the number of mix stages the contest requires, between
	// Threshold and Trustees (default Threshold): trustees 1..Mixers mix,
	// in order.
	Mixers int
	// Trustees and Threshold are n and t of the key ceremony (default 5,
	// and a majority of the trustees, n/2+1). One trustee is absent at
	// decryption if n > t.
	Trustees, Threshold int
	// Challenged is the number of voters who challenge their first ballot
	// and then vote again, at most Voters (default: one per 500 voters, at
	// least 2, at most Voters); NoChallenges means none (Challenged must
	// then be 0).
	Challenged   int
	NoChallenges bool
	// Out is the record's folder (default "council-record"), which must not
	// exist or be empty (election.Create). The command writes the record
	// in a temporary folder and puts it in place itself (demo.OutDir).
	Out string
	// Seed, if not empty, makes the run reproducible byte for byte: every
	// key, vote, nonce, permutation and proof derives from it, and the
	// record's files are the same on every run. A real election never
	// uses a seed.
	Seed string
	// TieBreakSeed, if not empty, is the public seed that breaks ties for
	// a seat (tally.NewResults): at most ballot.MaxTieBreakSeedSize bytes,
	// written in the manifest (ballot.Manifest.TieBreakSeed) before voting,
	// so that it is bound into the base hash.
	TieBreakSeed string
	// Method, if not empty, is the counting method. A ranked method
	// (ballot.STVScottish2007, STVMeek, IRV, Schulze) makes the contest a
	// ranked one (ballot.Ranked) counted by this method: voters rank up to
	// Ranks candidates, most preferred first, and the count's every stage
	// is published in counts/0.json. Single transferable vote elects
	// Seats members, instant-runoff one; Schulze elects Seats members and
	// ⌊Seats/3⌋ alternates in its order. A ranked contest needs a
	// tie-break seed: without TieBreakSeed, DefaultRankedTieBreak.
	//
	// A seat allocation method of ballot.ListMethods makes the council
	// elected from Lists party lists (default 5) by proportional
	// representation (a ballot.ProportionalList contest under ListRule,
	// default open), counted homomorphically, or through the mixnet with
	// MixedList; Candidates defaults to 40 and Seats to 11 then. Empty means the block vote of
	// codes through the mixnet.
	Method ballot.CountingMethod
	// Ranks is, for a ranked contest, the most candidates a voter ranks
	// (default Seats).
	Ranks int
	// Rankings, if not nil, are the voters' choices, one per voter in
	// order (Voters must be 0 or their number): the codes each writes,
	// in order of preference for a ranked contest. Tests feed published
	// worked examples through the mixnet path with it. Without it the
	// choices are drawn at random, favouring a few popular candidates.
	Rankings [][]uint32
	// Lists and ListRule are a list election's (Method a list method).
	Lists    int
	ListRule ballot.ListRule
	// MixedList sends a list election's ballots through the mixnet instead
	// of the homomorphic tally: the list contest has MixStages Mixers, each
	// ballot is a row of packed codes (the chosen list's and the marked
	// candidates'), and the decoded rows are counted into the lists' and
	// candidates' votes (tally.CountRows) before the seats are allocated.
	// It needs a list method; Candidates may then be up to
	// ballot.MaxCodeListCandidates.
	MixedList bool
	// Progress receives one line per step and progress lines while voting;
	// nil means no output.
	Progress io.Writer
	// Forge, if set, plays a dishonest polling station, for tests: it is
	// given the election, the voter's number, the signed encoding of each
	// cast ballot (ballot.Ballot.Bytes) and the station's key, and returns the encoding the station
	// submits instead, which the station's chain then continues from.
	// Honest devices cannot write an invalid row (EncryptBallot refuses
	// one); a forged ballot with a valid proof of knowledge can.
	Forge func(e *ballot.Election, voter int, signed []byte, key ed25519.PrivateKey) ([]byte, error)
	// Weighted, if not 0, makes the election weighted (docs/spec.md,
	// "Weighted voters"): the manifest's MaxWeight is Weighted, there are
	// no stations, and the Voters vote remotely with credentials whose
	// public weights are bands of 1 … Weighted (WeightBands), each held by
	// at least two voters, since every decrypted row shows its weight
	// beside its codes. Nobody challenges (Challenged must be 0), and
	// Forge is given the voter's credential key.
	Weighted uint32
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
	// ballots whose rows were mixed.
	Cast, Challenged, Counted int
	// Stages are the verdicts of the mix stages.
	Stages []mixnet.Verdict
	// Invalid is the number of mixed rows that are not a valid ballot.
	Invalid int
	// Count is, for a ranked contest (Config.Method), the published count.
	Count *tally.RankedCount
	// Allocation is, in a list election (Config.Method), the seat
	// allocation that the record publishes as counts/0.json.
	Allocation *apportion.Result
	// KeyShares are the trustees' key shares, by index. A real election
	// never gathers them in one place; the simulation returns them so that
	// tests can play trustees who decrypt something else.
	KeyShares []*trustee.KeyShare
}

// ContestID is the identifier of the council contest.
const ContestID = "council"

// DefaultRankedTieBreak is the tie-break seed of a ranked council contest
// whose Config has none: a public value, fixed before voting like any seed
// in the manifest.
const DefaultRankedTieBreak = "city-council-1404 lots"

// The stations of the city.
var stations = []string{"district-1", "district-2", "district-3", "district-4"}

// RankedMethods are the counting methods of a ranked council
// (Config.Method).
var RankedMethods = []ballot.CountingMethod{ballot.STVScottish2007, ballot.STVMeek, ballot.IRV, ballot.Schulze}

// IsRankedMethod reports whether method is one of RankedMethods.
func IsRankedMethod(method ballot.CountingMethod) bool {
	return slices.Contains(RankedMethods, method)
}

func (c *Config) isList() bool   { return IsListMethod(c.Method) }
func (c *Config) isMixed() bool  { return !c.isList() || c.MixedList }
func (c *Config) isRanked() bool { return IsRankedMethod(c.Method) }

// electionDay is when the stations open (recorded in their openings).
var electionDay = time.Date(2025, 11, 14, 7, 30, 0, 0, time.UTC)

func (c *Config) defaults() error {
	if c.Rankings != nil && c.Voters == 0 {
		c.Voters = len(c.Rankings)
	}
	if c.Rankings != nil && c.Voters != len(c.Rankings) {
		return fmt.Errorf("council: %s, but %s", prose.Count(c.Voters, "voter"), prose.Count(len(c.Rankings), "ranking"))
	}
	if c.Voters == 0 {
		c.Voters = 5000
	}
	list := IsListMethod(c.Method)
	if c.Method != "" && !list && !IsRankedMethod(c.Method) {
		return fmt.Errorf("council: unknown method %q (want one of %q or %q, or none for the block vote)", c.Method, RankedMethods, ballot.ListMethods)
	}
	if c.isRanked() && c.TieBreakSeed == "" {
		c.TieBreakSeed = DefaultRankedTieBreak
	}
	if list {
		if c.Lists == 0 {
			c.Lists = 5
		}
		if c.ListRule == "" {
			c.ListRule = ballot.OpenList
		}
		if c.Candidates == 0 {
			c.Candidates = 40
		}
		if c.Seats == 0 {
			c.Seats = 11
		}
		top := ballot.MaxCandidates / 2 // 2 lists + candidates selections under panachage
		if c.MixedList {
			top = ballot.MaxCodeListCandidates
		}
		if c.Lists < 1 || c.Lists > c.Candidates || c.Lists > ballot.MaxCandidates || c.Lists+c.Candidates > top {
			return fmt.Errorf("council: %s for %s; want 1 ≤ lists ≤ candidates, lists + candidates ≤ %d", prose.Count(c.Lists, "list"), prose.Count(c.Candidates, "candidate"), top)
		}
	} else if c.Lists != 0 || c.ListRule != "" || c.MixedList {
		return errors.New("council: lists, a list rule or a mixed list election without a list method")
	}
	if c.Candidates == 0 {
		c.Candidates = 400
	}
	if c.Seats == 0 {
		c.Seats = 21
	}
	if c.Ranks == 0 {
		c.Ranks = c.Seats
	}
	if c.Trustees == 0 {
		c.Trustees = 5
	}
	if c.Threshold == 0 {
		c.Threshold = c.Trustees/2 + 1
	}
	if c.Mixers == 0 {
		c.Mixers = c.Threshold
	}
	if c.Out == "" {
		c.Out = "council-record"
	}
	if c.Challenged == 0 && !c.NoChallenges && c.Weighted == 0 {
		c.Challenged = min(c.Voters, max(2, c.Voters/500))
	}
	switch {
	case c.Weighted > 0 && c.Challenged != 0:
		return fmt.Errorf("council: %d challenged voters in a weighted election, whose voters vote remotely and do not challenge", c.Challenged)
	case c.Weighted > 0 && c.Voters < 2:
		return fmt.Errorf("council: %s in a weighted election, where every weight must be held by at least two voters", prose.Count(c.Voters, "voter"))
	case c.Voters < 0 || c.Challenged < 0:
		return errors.New("council: negative count")
	case c.Challenged > c.Voters:
		return fmt.Errorf("council: %d challenged voters but only %s", c.Challenged, prose.Count(c.Voters, "voter"))
	case c.NoChallenges && c.Challenged != 0:
		return fmt.Errorf("council: %d challenged voters and NoChallenges", c.Challenged)
	case c.Candidates < 1 || c.Candidates > ballot.MaxCodeListCandidates:
		return fmt.Errorf("council: %d candidates; want 1..%d", c.Candidates, ballot.MaxCodeListCandidates)
	case c.Seats < 1 || c.Seats+c.Seats/3 > c.Candidates && c.Method == "":
		return fmt.Errorf("council: %s and %s for %s", prose.Count(c.Seats, "seat"), prose.Count(c.Seats/3, "alternate"), prose.Count(c.Candidates, "candidate"))
	case len(c.TieBreakSeed) > ballot.MaxTieBreakSeedSize:
		return fmt.Errorf("council: the tie-break seed is %d bytes, more than %d", len(c.TieBreakSeed), ballot.MaxTieBreakSeedSize)
	}
	if err := demo.CheckTrustees("council", c.Trustees, c.Threshold); err != nil {
		return err
	}
	if c.Mixers < c.Threshold || c.Mixers > c.Trustees {
		return fmt.Errorf("council: %d mix stages; want %d..%d: at least the threshold, so that fewer trustees than can decrypt cannot make every stage, and at most the number of trustees, who are the mix servers", c.Mixers, c.Threshold, c.Trustees)
	}
	return nil
}

// firstNames and lastNames make the candidates' names.
var (
	firstNames = []string{"Arash", "Bahar", "Cyrus", "Dina", "Ehsan", "Fereshteh", "Golnaz", "Hooman", "Ilnaz", "Kaveh",
		"Leyla", "Mani", "Nazanin", "Omid", "Parisa", "Reza", "Sahar", "Taher", "Vida", "Yasmin"}
	lastNames = []string{"Abbasi", "Bagheri", "Daneshvar", "Ebrahimi", "Farahani", "Ghasemi", "Heidari", "Jalali", "Kazemi", "Mohammadi",
		"Najafi", "Parsa", "Rahimi", "Sadeghi", "Tavakoli", "Vaziri", "Yazdani", "Zamani", "Karimi", "Shirazi"}
)

// Manifest returns the election's manifest: one CodeList contest of m
// candidates with codes 1..m, up to seats codes per ballot, seats main
// members and ⌊seats/3⌋ alternates, and mixers mix stages.
func Manifest(m, seats, mixers int) *ballot.Manifest {
	c := ballot.Contest{
		ID:         ContestID,
		Title:      fmt.Sprintf("City council: write up to %d candidate codes", seats),
		Kind:       ballot.CodeList,
		Limit:      uint32(seats),
		Seats:      uint32(seats),
		Alternates: uint32(seats / 3),
		MixStages:  uint32(mixers),
	}
	for j := range m {
		name := firstNames[j%len(firstNames)] + " " + lastNames[(j/len(firstNames))%len(lastNames)]
		if k := j / (len(firstNames) * len(lastNames)); k > 0 {
			name += " " + strconv.Itoa(k+1)
		}
		c.Candidates = append(c.Candidates, ballot.Candidate{Code: uint32(j + 1), Name: name})
	}
	return &ballot.Manifest{
		ElectionID: "city-council-1404",
		Title:      "City council election 1404",
		Policy:     ballot.OneBallotPerCredential,
		Contests:   []ballot.Contest{c},
	}
}

// RankedManifest returns the manifest of a ranked council election: one
// Ranked contest of m candidates with codes 1..m, counted by method, in
// which a voter ranks up to seats candidates; seats main members (one for
// ballot.IRV), ⌊seats/3⌋ alternates for ballot.Schulze (as many as there
// are candidates left), and mixers mix
// stages. The manifest needs a tie-break seed before it is valid.
func RankedManifest(m, seats, mixers int, method ballot.CountingMethod) *ballot.Manifest {
	mf := Manifest(m, seats, mixers)
	c := &mf.Contests[0]
	c.Kind, c.Method = ballot.Ranked, method
	c.Title = fmt.Sprintf("City council: rank up to %d candidates, 1 for your first choice", seats)
	switch method {
	case ballot.Schulze:
		c.Alternates = uint32(min(seats/3, m-seats))
	case ballot.IRV:
		c.Seats, c.Alternates = 1, 0
	default:
		c.Alternates = 0
	}
	return mf
}

// StationKey returns the signing key of polling station id in a run with
// the given (non-empty) Seed. A real station generates its key and never
// reveals it; the simulation derives it so that a seeded run is
// reproducible.
func StationKey(seed, id string) ed25519.PrivateKey {
	return demo.Seeds{Tag: seedTag, Seed: seed}.StationKey(id)
}

// seedTag separates the derivations of this example's seeded runs from
// those of the other examples.
const seedTag = "sandogh council example"

// seeds returns the derivations of the run's secrets and choices: from
// Seed if given, from crypto/rand otherwise.
func (c *Config) seeds() demo.Seeds { return demo.Seeds{Tag: seedTag, Seed: c.Seed} }

// MixServerKey returns the signing key of trustee k (from 1), which signs
// its mix stages, in a run with the given (non-empty) Seed. A real trustee
// keeps its key to itself; tests use this one to play a mix server that
// signs whatever it likes.
func MixServerKey(seed string, k int) ed25519.PrivateKey {
	c := Config{Seed: seed}
	return identitySigningKey(c.seeds().Secret("trustee identity", k))
}

// A mixServer is a trustee acting as a mix server: it signs its stages with
// its identity's Ed25519 key (trustee.Identity.SigningKey), the key the
// roster lists for it.
type mixServer struct {
	index int
	key   ed25519.PrivateKey
}

// identitySigningKey returns the signing key of the identity that a seeded
// run derives from seed.
func identitySigningKey(seed []byte) ed25519.PrivateKey {
	id, err := trustee.NewIdentityFromSeed("mix server", seed)
	if err != nil {
		panic("council: internal error: " + err.Error())
	}
	return id.SigningKey()
}

// Run simulates the election and writes its record. See the package
// documentation for the scenario.
func Run(cfg Config) (*Outcome, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	log := demo.Logger{W: cfg.Progress}
	seeds := cfg.seeds()
	rng := seeds.Rand()
	manifest := Manifest(cfg.Candidates, cfg.Seats, cfg.Mixers)
	if cfg.Method != "" {
		if cfg.isList() {
			manifest = ListManifest(cfg.Candidates, cfg.Lists, cfg.Seats, cfg.Method, cfg.ListRule)
			if cfg.MixedList {
				manifest.Contests[0].MixStages = uint32(cfg.Mixers)
			}
		} else {
			manifest = RankedManifest(cfg.Candidates, cfg.Seats, cfg.Mixers, cfg.Method)
			manifest.Contests[0].Limit = uint32(cfg.Ranks)
			manifest.Contests[0].Title = fmt.Sprintf("City council: rank up to %d candidates, 1 for your first choice", cfg.Ranks)
		}
	}
	manifest.TieBreakSeed = ballot.TieBreakSeed(cfg.TieBreakSeed)
	manifest.MaxWeight = cfg.Weighted
	if err := manifest.Validate(); err != nil {
		return nil, fmt.Errorf("council: %v", err)
	}
	w, err := election.Create(cfg.Out)
	if err != nil {
		return nil, err
	}

	// 1. The key ceremony. The trustees are also the mix servers.
	log.Printf("key ceremony: %s, threshold %d", prose.Count(cfg.Trustees, "trustee"), cfg.Threshold)
	ceremony, keyShares, ids, err := demo.RunCeremony(seeds, manifest.ElectionID, cfg.Trustees, cfg.Threshold)
	if err != nil {
		return nil, err
	}
	servers := make([]mixServer, len(ids))
	for k, id := range ids {
		servers[k] = mixServer{index: k + 1, key: id.SigningKey()}
	}
	keys, err := w.WriteCeremony(ceremony)
	if err != nil {
		return nil, err
	}

	// 2. The election's parameters: the stations' devices, or in a
	// weighted election the members' credentials with their weights.
	var stationKeys map[string]ed25519.PrivateKey
	var devices []ballot.RegisteredDevice
	var creds []*ballot.Credential
	var credList *ballot.CredentialList
	if cfg.Weighted == 0 {
		stationKeys, devices = demo.StationKeys(seeds, rng, stations)
	} else if creds, credList, err = weightedCredentials(&cfg, rng); err != nil {
		return nil, err
	}
	pk, err := keys.ElectionKey()
	if err != nil {
		return nil, err
	}
	e, err := ballot.NewElection(ballot.Parameters{Manifest: manifest, PublicKey: pk, VerificationKeys: keys.VerificationKeys, Threshold: keys.Threshold, Devices: devices, Credentials: credList})
	if err != nil {
		return nil, err
	}
	if err := w.WriteElection(e, keys); err != nil {
		return nil, err
	}
	if cfg.isList() {
		c := &manifest.Contests[0]
		path := "homomorphic tally"
		if c.Mixed() {
			path = fmt.Sprintf("mixnet, a row of %s", prose.Count(c.RowWidth(), "ciphertext"))
		}
		log.Printf("election %s (%s): %s of %s, %s rule, up to %s, %s by %s, base hash %x",
			manifest.ElectionID, path, prose.Count(len(c.Lists), "list"), prose.Count(cfg.Candidates, "candidate"), c.ListRule, prose.Count(c.Preferences, "preference"), prose.Count(c.Seats, "seat"), c.Method, e.BaseHash())
	} else {
		log.Printf("election %s: %s, up to %s per ballot (a row of %s), base hash %x",
			manifest.ElectionID, prose.Count(cfg.Candidates, "candidate"), prose.Count(cfg.Seats, "code"), prose.Count(manifest.Contests[0].RowWidth(), "ciphertext"), e.BaseHash())
	}

	// 3. Voting: the ballot box keeps its file in the record.
	box, err := w.OpenBox(e)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Dir: cfg.Out, KeyShares: keyShares}
	voteDay := func() error { return vote(&cfg, rng, e, box, stationKeys, out, log) }
	if cfg.Weighted > 0 {
		voteDay = func() error { return voteRemote(&cfg, rng, e, box, creds, out, log) }
	}
	if err := voteDay(); err != nil {
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

	// 4. The record's ballots: the encrypted tally (empty: the council
	// contest is not added) and the rows of the ballots that count.
	log.Printf("ballots: collecting the rows of the cast ballots")
	et, err := w.FinishBallots(e)
	if err != nil {
		return nil, err
	}
	out.Counted = int(et.Ballots)
	var in *mixnet.Rows
	if cfg.isMixed() {
		if in, err = w.MixInput(0); err != nil {
			return nil, err
		}
	}

	// Which trustee is absent at decryption (not one of the mix servers'
	// concern: mixing needs no key share).
	absent := demo.AbsentTrustee(rng, cfg.Trustees, cfg.Threshold)
	if absent != 0 {
		out.Absent = []int{absent}
	}

	// 5. The cascade: each mix server takes the current list, shuffles it,
	// proves and signs its stage; the coordinator checks every stage
	// before the next server mixes, and records it.
	var final = in
	if in != nil {
		p, err := election.MixParams(e, 0)
		if err != nil {
			return nil, err
		}
		var pubs []ed25519.PublicKey
		for _, s := range servers {
			pubs = append(pubs, s.key.Public().(ed25519.PublicKey))
		}
		cascade, err := mixnet.NewCascade(p, pubs, cfg.Mixers, in)
		if err != nil {
			return nil, err
		}
		for _, s := range servers[:cfg.Mixers] {
			index, cur := cascade.Next()
			start := time.Now()
			var n *proof.Nonces
			if cfg.Seed != "" {
				n, _ = proof.NewNonces(seeds.Secret("mix stage", s.index))
			} else {
				n = proof.RandomNonces()
			}
			stage, err := mixnet.Mix(p, index, s.key, cur, n)
			if err != nil {
				return nil, err
			}
			v := cascade.Add(stage)
			if err := w.WriteStage(0, stage); err != nil {
				return nil, err
			}
			out.Stages = append(out.Stages, v)
			if !v.Accepted {
				return nil, fmt.Errorf("council: %v", v)
			}
			log.Printf("mixnet: trustee %d mixed %s as stage %d (%v, checked by the coordinator)", s.index, prose.Count(cur.Len(), "row"), index, time.Since(start).Round(time.Millisecond))
		}
		if final, err = cascade.Output(); err != nil {
			return nil, err
		}
	}

	// 6. Decryption: the trustees present decrypt the homomorphic tally
	// (empty here) and the final rows, each with its proofs. A trustee
	// decrypts only what it verified itself in the record of the closed
	// box: the tally it recomputed from the ballots (checks 1 to 11) and
	// the output of the complete cascade (checks 16 and 17). (In this
	// simulation the trustees share one verification; each real trustee
	// runs it on its own copy of the record.)
	log.Printf("decryption: the trustees verify the record and the cascade")
	rec, err := election.VerifyForDecryption(cfg.Out, closed, nil)
	if err != nil {
		return nil, err
	}
	var lists, rowLists []*trustee.ShareList
	for _, ks := range keyShares {
		if ks.Index() == absent {
			continue
		}
		l, err := demo.TallyShares(seeds, "tally shares", rec, ks)
		if err != nil {
			return nil, err
		}
		if err := w.WriteShareList(l); err != nil {
			return nil, err
		}
		lists = append(lists, l)
		if final == nil {
			continue
		}
		rl, err := demo.RowShares(seeds, "row shares", rec, ks, 0)
		if err != nil {
			return nil, err
		}
		if err := w.WriteRowShareList(0, rl); err != nil {
			return nil, err
		}
		rowLists = append(rowLists, rl)
	}
	totals, dec, err := tally.Decrypt(e, keys, et, lists)
	if err != nil {
		return nil, err
	}
	out.Combined = dec.Trustees
	var decoded []tally.DecodedRow
	if final != nil {
		var present []int
		for _, l := range rowLists {
			present = append(present, l.Trustee())
		}
		log.Printf("decryption: %s, with the shares of %s", prose.Count(final.Len(), "mixed row"), prose.Counted("trustee", present))
		if decoded, dec, err = tally.DecryptRows(e, keys, 0, final, rowLists); err != nil {
			return nil, err
		}
		out.Combined = dec.Trustees
	}
	if cfg.isMixed() {
		if err := w.WriteDecodedRows(0, decoded); err != nil {
			return nil, err
		}
		var ct tally.ContestTotals
		if cfg.isRanked() {
			// A ranked contest: the valid rankings are counted by the
			// manifest's method, and the count is published stage by
			// stage.
			ct, out.Count, err = tally.CountRanked(e, 0, decoded)
			if err == nil {
				err = w.WriteRankedCount(0, out.Count)
			}
			log.Printf("count: %s by %s, published in counts/0.json", prose.Count(len(decoded), "row"), cfg.Method)
		} else {
			// Written codes, or a mixed list contest's rows, counted into
			// the list and preference votes that allocate its seats.
			ct, err = tally.CountRows(manifest, 0, decoded)
		}
		if err != nil {
			return nil, err
		}
		totals.Contests[0] = ct
		out.Invalid = int(ct.Invalid)
	}

	// 7. The results, last file of the record (after counts/0.json, the
	// seat allocation of a list election).
	if out.Results, err = demo.WriteResults(w, manifest, totals); err != nil {
		return nil, err
	}
	if cfg.isList() {
		if out.Allocation, err = tally.AllocateList(manifest, 0, totals); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// popularity returns the weights of the candidates: a few favourites, a
// long tail, in an order drawn from r so that the favourites are not the
// lowest codes.
func popularity(r *mrand.Rand, m int) []float64 {
	w := make([]float64, m)
	for j, k := range r.Perm(m) {
		w[k] = 1 / math.Pow(float64(j+1), 0.8)
	}
	return w
}

// randomCodes draws a voter's codes: usually a full list of n codes,
// often fewer, sometimes none, favouring popular candidates; in a ranked
// contest, in the order drawn, which is the voter's ranking.
func randomCodes(r *mrand.Rand, cum []float64, n int) []uint32 {
	k := n
	switch x := r.IntN(100); {
	case x < 3:
		k = 0
	case x < 55:
		k = 1 + r.IntN(n)
	}
	seen := make(map[uint32]bool, k)
	codes := make([]uint32, 0, k)
	for len(codes) < k {
		j := sort.SearchFloat64s(cum, r.Float64()*cum[len(cum)-1])
		code := uint32(min(j, len(cum)-1) + 1)
		if !seen[code] {
			seen[code] = true
			codes = append(codes, code)
		}
	}
	return codes
}

// An event is one ballot to encrypt, in the order the voters come.
type event struct {
	station   string
	voter     int
	codes     []uint32
	marks     map[uint32]uint64 // a list election's vote
	seed      []byte
	challenge bool
	b         *ballot.Ballot
	err       error
	done      chan struct{}
}

// vote simulates the day: the voters come to the stations, the stations
// encrypt their ballots in chain order (each on its own goroutine), and
// the ballot box accepts them in the order they arrive.
func vote(cfg *Config, rng *mrand.Rand, e *ballot.Election, box *ballot.Box, keys map[string]ed25519.PrivateKey, out *Outcome, log demo.Logger) error {
	n := cfg.Candidates
	if cfg.isList() {
		n = cfg.Lists // the parties' popularity
	}
	weights := popularity(rng, n)
	cum := make([]float64, len(weights))
	s := 0.0
	for j, x := range weights {
		s += x
		cum[j] = s
	}
	challengers := demo.Challengers(rng, cfg.Voters, cfg.Challenged)
	var plan []*event
	for v := range cfg.Voters {
		st := stations[rng.IntN(len(stations))]
		draw := func(challenge bool) *event {
			ev := &event{station: st, voter: v, challenge: challenge, done: make(chan struct{})}
			switch {
			case cfg.isList():
				ev.marks = randomListVote(rng, &e.Manifest().Contests[0], cum)
			case cfg.isRanked():
				n := cfg.Ranks
				if challenge {
					n = min(cfg.Seats, cfg.Ranks)
				}
				ev.codes = randomCodes(rng, cum, n)
				if !challenge && cfg.Rankings != nil {
					ev.codes = cfg.Rankings[v]
				}
			default:
				ev.codes = randomCodes(rng, cum, cfg.Seats)
			}
			ev.seed = demo.Bytes(rng, 32)
			return ev
		}
		if challengers[v] {
			plan = append(plan, draw(true))
		}
		plan = append(plan, draw(false))
	}
	tips, err := demo.OpenStations(e, box, stations, keys, electionDay)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, id := range stations {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, ev := range plan {
				if ev.station == id {
					ev.b, ev.err = encrypt(cfg, e, ev, keys[id], tips[id])
					close(ev.done)
				}
			}
		}()
	}
	defer wg.Wait()
	// The box accepts the ballots in the order of the day (each station's
	// chain in order), so that a seeded run writes the same file.
	step := max(1, len(plan)/10)
	for i, ev := range plan {
		<-ev.done
		if ev.err != nil {
			return ev.err
		}
		if err := box.AcceptBallot(ev.b); err != nil {
			return fmt.Errorf("council: the box refused voter %d's ballot %s: %v", ev.voter, ev.b.ID(), err)
		}
		if ev.challenge {
			out.Challenged++
		} else {
			out.Cast++
		}
		ev.b = nil
		if (i+1)%step == 0 {
			log.Printf("voting: %d/%d ballots", i+1, len(plan))
		}
	}
	// The stations close: each signs its final tip and counts.
	return demo.CloseStations(e, box, stations, keys, tips, nil, electionDay.Add(12*time.Hour))
}

// encrypt makes and signs the ballot of ev, continuing the station's
// chain, with the nonce seed of the plan so that a seeded run is
// reproducible.
func encrypt(cfg *Config, e *ballot.Election, ev *event, key ed25519.PrivateKey, tip *demo.ChainTip) (*ballot.Ballot, error) {
	h := tip.Next(ev.station)
	v := ballot.Vote{}
	var err error
	switch {
	case ev.marks != nil:
		v[ContestID] = ev.marks
	case cfg.isRanked():
		err = v.SetRanking(ContestID, ev.codes) // the order of the codes is the voter's ranking
	default:
		err = v.SetCodes(ContestID, ev.codes)
	}
	if err != nil {
		return nil, err
	}
	p, err := ballot.EncryptBallot(e, h, v, ev.seed)
	if err != nil {
		return nil, err
	}
	var b *ballot.Ballot
	if ev.challenge {
		b, err = p.Challenge(key)
	} else {
		b, err = p.Cast(key)
	}
	if err != nil {
		return nil, err
	}
	if cfg.Forge != nil && !ev.challenge {
		forged, err := cfg.Forge(e, ev.voter, b.Bytes(), key)
		if err != nil {
			return nil, err
		}
		if b, err = ballot.ParseBallot(forged); err != nil {
			return nil, err
		}
	}
	tip.Add(b)
	return b, nil
}

// WeightBands returns the weights that a weighted run with maximum weight
// max gives its voters: 1, max^(1/3), max^(2/3) and max, rounded, each
// once. Coarse weights like these are what a weighted election with a
// mixed contest needs: each decrypted row shows its weight, so a weight
// that few voters hold narrows down whose row it is.
func WeightBands(max uint32) []uint32 {
	var out []uint32
	for _, x := range []float64{0, 1.0 / 3, 2.0 / 3, 1} {
		b := uint32(math.Round(math.Pow(float64(max), x)))
		if len(out) == 0 || b > out[len(out)-1] {
			out = append(out, b)
		}
	}
	return out
}

// weightedCredentials makes the voters' credentials and the weighted list:
// voters 2k and 2k+1 (and the last voter, if their number is odd, with the
// two before) share a band drawn from WeightBands, so that every weight
// is held by at least two voters (ballot.NewElection requires it).
func weightedCredentials(cfg *Config, rng *mrand.Rand) ([]*ballot.Credential, *ballot.CredentialList, error) {
	bands := WeightBands(cfg.Weighted)
	creds := make([]*ballot.Credential, cfg.Voters)
	pubs := make([]ed25519.PublicKey, cfg.Voters)
	weights := make([]uint32, cfg.Voters)
	for v := range creds {
		var err error
		if cfg.Seed != "" {
			creds[v], err = ballot.NewCredential(demo.Bytes(rng, ed25519.SeedSize))
		} else {
			creds[v], err = ballot.GenerateCredential()
		}
		if err != nil {
			return nil, nil, err
		}
		pubs[v] = creds[v].PublicKey()
		switch {
		case v%2 == 0 && v+1 < cfg.Voters:
			weights[v] = bands[rng.IntN(len(bands))]
		default: // the second of a pair, or the last of an odd number
			weights[v] = weights[v-1]
		}
	}
	list, err := ballot.NewWeightedCredentialList(pubs, weights)
	return creds, list, err
}

// voteRemote simulates the day of a weighted election: each member votes
// once from her own device, which encrypts her codes and signs the ballot
// with her credential; the devices work on all cores, and the box accepts
// the ballots in the order of the plan, so that a seeded run writes the
// same file.
func voteRemote(cfg *Config, rng *mrand.Rand, e *ballot.Election, box *ballot.Box, creds []*ballot.Credential, out *Outcome, log demo.Logger) error {
	weights := popularity(rng, cfg.Candidates)
	cum := make([]float64, len(weights))
	s := 0.0
	for j, x := range weights {
		s += x
		cum[j] = s
	}
	plan := make([]*event, cfg.Voters)
	for v := range plan {
		plan[v] = &event{voter: v, codes: randomCodes(rng, cum, cfg.Seats), seed: demo.Bytes(rng, 32), done: make(chan struct{})}
	}
	todo := make(chan *event)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ev := range todo {
				ev.b, ev.err = encryptRemote(cfg, e, ev, creds[ev.voter])
				close(ev.done)
			}
		}()
	}
	go func() {
		defer close(todo)
		for _, ev := range plan {
			todo <- ev
		}
	}()
	defer wg.Wait()
	step := max(1, len(plan)/10)
	for i, ev := range plan {
		<-ev.done
		if ev.err != nil {
			return ev.err
		}
		if err := box.AcceptBallot(ev.b); err != nil {
			return fmt.Errorf("council: the box refused voter %d's ballot %s: %v", ev.voter, ev.b.ID(), err)
		}
		out.Cast++
		ev.b = nil
		if (i+1)%step == 0 {
			log.Printf("voting: %d/%d ballots", i+1, len(plan))
		}
	}
	return nil
}

// encryptRemote makes voter ev.voter's ballot, signed with her credential,
// with the nonce seed of the plan.
func encryptRemote(cfg *Config, e *ballot.Election, ev *event, cred *ballot.Credential) (*ballot.Ballot, error) {
	v := ballot.Vote{}
	if err := v.SetCodes(ContestID, ev.codes); err != nil {
		return nil, err
	}
	h := ballot.Header{BallotID: fmt.Sprintf("remote/%d", ev.voter), Credential: cred.PublicKey()}
	p, err := ballot.EncryptBallot(e, h, v, ev.seed)
	if err != nil {
		return nil, err
	}
	b, err := p.Cast(cred.PrivateKey())
	if err != nil {
		return nil, err
	}
	if cfg.Forge != nil {
		forged, err := cfg.Forge(e, ev.voter, b.Bytes(), cred.PrivateKey())
		if err != nil {
			return nil, err
		}
		return ballot.ParseBallot(forged)
	}
	return b, nil
}
