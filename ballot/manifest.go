package ballot

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"fmt"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/internal/wire"
)

// A Manifest describes an election: its identifier, the credential policy
// for remote ballots and the contests with their candidates and rules.
// Its canonical encoding and hash are specified in
// docs/spec.md §Ballots ("Manifest"); its JSON form is what election
// officials write and publish. A Manifest must be valid (see Validate)
// before it is used; NewElection checks it.
type Manifest struct {
	// ElectionID identifies the election. It is bound into every hash and
	// proof of the election, and seeds the independent generators.
	ElectionID string `json:"electionId"`
	// Title is the human-readable name of the election.
	Title string `json:"title"`
	// Policy says how many ballots a voter credential may cast.
	Policy CredentialPolicy `json:"credentialPolicy"`
	// TieBreakSeed is the public seed that orders candidates with equal
	// totals in the results (package tally, NewResults), or empty for none,
	// in which case ties that decide a seat are reported and not broken. It
	// is fixed here, before voting, and bound through the manifest hash
	// into the base hash, so that whoever computes the results cannot try
	// seeds until one suits them. At most MaxTieBreakSeedSize bytes.
	TieBreakSeed TieBreakSeed `json:"tieBreakSeed,omitempty"`
	// Contests are the questions on the ballot, in ballot order.
	Contests []Contest `json:"contests"`
	// Stations are the polling stations, with their devices and the
	// officials of their committees (none for an election that does not
	// use closing co-signatures or incident logs). Optional: a manifest
	// without stations has the encoding and hash it had before stations
	// existed.
	Stations []Station `json:"stations,omitempty"`
	// MaxWeight is, in a weighted election, the largest weight a voter
	// credential may carry (1 ≤ MaxWeight ≤ MaxVoterWeight), and 0 in an
	// unweighted one. In a weighted election every credential of the
	// credential list has a public weight 1 … MaxWeight
	// (NewWeightedCredentialList), and a counted ballot adds its votes
	// multiplied by its credential's weight (package tally). Optional: a
	// manifest without it has the encoding and hash it had before weights
	// existed. A weighted election has remote voters only (no stations, no
	// registered devices) (docs/spec.md §Ballots, "Weighted voters"). Its
	// CodeList contests carry each ballot's weight through the mix cascade
	// (package tally, WeightColumns), and every decrypted row shows its
	// weight beside its codes: a voter whose weight no other voter shares
	// would be identified with her vote, so NewElection refuses a list with
	// a weight held by one credential only, and weights should be coarse
	// (bands of shares held by many).
	MaxWeight uint32 `json:"maxWeight,omitempty"`
}

// A CredentialPolicy says how ballots signed with one voter credential
// count.
type CredentialPolicy string

const (
	// OneBallotPerCredential accepts one cast ballot per credential; later
	// ones are refused.
	OneBallotPerCredential CredentialPolicy = "one-ballot-per-credential"
	// LastBallotCounts accepts any number of cast ballots per credential;
	// only the last one accepted counts (revoting).
	LastBallotCounts CredentialPolicy = "last-ballot-counts"
)

// A ContestKind is the rule of a contest. It is encoded as a string so that
// later kinds (such as a mixnet contest of written codes) are added without
// changing the encoding of existing ones.
type ContestKind string

const (
	// UpTo is "vote for up to Limit of the candidates": each candidate
	// gets 0 or 1, and the sum is at most Limit.
	UpTo ContestKind = "up-to"
	// Exactly is "vote for exactly Limit of the candidates": each candidate
	// gets 0 or 1, and the sum is Limit, or 0 for a voter who leaves the
	// contest blank; with Contest.Strict, exactly Limit, no blank.
	Exactly ContestKind = "exactly"
	// YesNo is a question with exactly two candidates, "yes" and "no" in
	// that order; the voter marks at most one of them, so that a blank
	// answer is distinct from "no".
	YesNo ContestKind = "yes-no"
	// Score gives each candidate a score 0..MaxScore; if Limit is non-zero
	// the sum of the scores is at most Limit.
	Score ContestKind = "score"
	// CodeList is "write up to Limit candidate codes from the list" (council
	// elections with hundreds or thousands of candidates; its kind string
	// is "codes"): the voter's candidate codes are packed into a few
	// plaintexts (elgamal.PackCodes) and encrypted as one row of
	// ciphertexts, which goes through a mix cascade of at least MixStages
	// stages and is decrypted as a whole after mixing, instead of being
	// tallied homomorphically. Candidate codes are 1..MaxCandidateCode.
	CodeList ContestKind = "codes"
	// Ranked is "rank up to Limit candidates, most preferred first"
	// (its kind string is "ranked"): the voter's candidate codes are
	// packed in the voter's order of preference (elgamal.PackCodes) and go
	// through a mix cascade of at least MixStages stages as a CodeList
	// contest's do; after decryption the valid rankings are counted by
	// the contest's Method (package tally/ranked), whose every stage is
	// published. Candidate codes are 1..MaxCandidateCode.
	Ranked ContestKind = "ranked"
	// ProportionalList is proportional representation by party lists (its kind
	// string is "list"): the voter chooses one of Lists and marks up to
	// Preferences candidates, only from the chosen list (ListRule
	// OpenList) or from any list (Panachage); Seats are allocated to the
	// lists by Method (package tally/apportion) and within each list by
	// preference votes. docs/spec.md §Ballots ("List contests") states
	// what a list vote is under each rule.
	ProportionalList ContestKind = "list"
)

// A ListRule says which candidates a voter may mark in a ProportionalList contest
// and what counts as a vote for a list.
type ListRule string

const (
	// OpenList: the voter chooses a list and marks up to Preferences
	// candidates of that list only. A ballot counts one list vote for the
	// chosen list; a candidate mark is a preference vote.
	OpenList ListRule = "open"
	// Panachage: the voter may designate one list and marks up to
	// Preferences candidates of any list, at most once each. Each candidate
	// mark is a preference vote and a list vote for the candidate's list;
	// on a ballot that designates a list, the Preferences − marks unused
	// lines are additional list votes for the designated list, and on a
	// ballot without a designation they count for nobody (the rule of the
	// Swiss National Council, Federal Act on Political Rights of 17
	// December 1976, SR 161.1, art. 35 para. 2 and art. 37 para. 1,
	// without the cumulation of art. 35 para. 3).
	Panachage ListRule = "panachage"
)

// A PartyList is one list (party or coalition) of a ProportionalList contest.
type PartyList struct {
	// Code is the list's number. List codes are distinct from each other
	// and from the contest's candidate codes, so that a Vote names a list
	// by its code as it names a candidate.
	Code uint32 `json:"code"`
	// Name is the list's name.
	Name string `json:"name"`
	// Candidates are the codes of the list's candidates, in list order
	// (position 1 first); every candidate of the contest is on exactly one
	// list.
	Candidates []uint32 `json:"candidates"`
}

// A CountingMethod names the rule by which a contest's votes become seats
// (Contest.Method): a Ranked contest's counting method or a
// ProportionalList contest's seat allocation method. Each name refers to
// one published rule text, which package tally/ranked or tally/apportion
// implements and docs/spec.md (§Counting methods) specifies with its
// arithmetic.
type CountingMethod string

// The counting methods of a Ranked contest.

const (
	// STVScottish2007 is single transferable vote by the Scottish Local
	// Government Elections Order 2007 (SSI 2007/42), Schedule 1, Part III,
	// rules 45 to 52, in units of 10^-5 votes: Seats seats, 1 ≤ Seats <
	// candidates, no alternates.
	STVScottish2007 CountingMethod = "stv-scottish-2007"
	// STVMeek is single transferable vote by Meek's method (Hill,
	// Wichmann, Woodall 1987) as the Proportional Representation
	// Foundation's Meek STV Reference Rule states it, in units of 10^-9
	// with the rounding of the New Zealand STV calculation rules: Seats
	// seats, 1 ≤ Seats < candidates, no alternates.
	STVMeek CountingMethod = "stv-meek"
	// IRV is instant-runoff voting for one seat (Seats 1, no
	// alternates): a majority of the continuing votes wins, otherwise the
	// candidate with the fewest votes is excluded.
	IRV CountingMethod = "irv"
	// Schulze is the Schulze method by winning votes (Schulze, Social
	// Choice and Welfare 36 (2011) 267-303): the candidates in the
	// Schulze order, ties within a tier by lot, the first Seats of them
	// main members and the next Alternates alternates. At most
	// MaxSchulzeCandidates candidates.
	Schulze CountingMethod = "schulze"
)

// MaxSchulzeCandidates is the most candidates of a Ranked contest counted
// by Schulze, whose pairwise matrices grow with the square of the
// candidates.
const MaxSchulzeCandidates = 1000

// The seat allocation methods of a ProportionalList contest, as package
// tally/apportion names and implements them (docs/spec.md §Counting
// methods, "Seat allocation to party lists").
const (
	// DHondt: divisors 1, 2, 3, …
	DHondt CountingMethod = "dhondt"
	// SainteLague: divisors 1, 3, 5, …
	SainteLague CountingMethod = "sainte-lague"
	// ModifiedSainteLague: divisors 1.4, 3, 5, …
	ModifiedSainteLague CountingMethod = "modified-sainte-lague"
	// LargestRemainderHare: largest remainders with the Hare quota V/S.
	LargestRemainderHare CountingMethod = "largest-remainder-hare"
	// LargestRemainderDroop: largest remainders with the Droop quota
	// floor(V/(S+1)) + 1.
	LargestRemainderDroop CountingMethod = "largest-remainder-droop"
)

// ListMethods are the seat allocation methods a ProportionalList contest
// may name, in the order of apportion.Methods.
var ListMethods = []CountingMethod{DHondt, SainteLague, ModifiedSainteLague, LargestRemainderHare, LargestRemainderDroop}

// MaxThreshold is the largest electoral threshold of a ProportionalList contest,
// 100% in basis points.
const MaxThreshold = 10000

// A Contest is one question on the ballot. Which of Limit, MaxScore, Seats,
// Alternates and MixStages apply depends on Kind; the ones that do not apply must be
// zero (Validate says which), so that each contest has one encoding.
type Contest struct {
	// ID identifies the contest within the manifest.
	ID string `json:"id"`
	// Title is the human-readable question.
	Title string `json:"title"`
	// Kind is the contest's rule.
	Kind ContestKind `json:"kind"`
	// Limit is k for UpTo and Exactly (1 ≤ k ≤ number of candidates), the
	// optional bound on the total score for Score (0 for none), N for
	// CodeList (the most candidate codes a voter writes, 1 ≤ N ≤ number of
	// candidates) and for Ranked (the most candidates a voter ranks), and
	// unused for YesNo.
	Limit uint32 `json:"limit,omitempty"`
	// MaxScore is R for Score contests (1 ≤ R ≤ MaxRange); unused otherwise.
	MaxScore uint32 `json:"maxScore,omitempty"`
	// Seats is how many main members the contest elects: the candidates at
	// positions 1 … Seats of the results (tally.NewResults), 1 for a single
	// winner. An UpTo or CodeList contest elects people, so it needs
	// 1 ≤ Seats, and Validate refuses 0: a contest written without Seats
	// fails before the election, not when nobody is named elected. In an
	// Exactly or Score contest, 0 means no seats: the results rank the
	// candidates by their totals and elect nobody (every outcome is empty,
	// and no tie is reported). Unused for YesNo.
	Seats uint32 `json:"seats,omitempty"`
	// Alternates is how many alternate members are elected after the main
	// members (positions Seats+1 … Seats+Alternates); it needs Seats ≥ 1.
	// Unused for YesNo.
	Alternates uint32 `json:"alternates,omitempty"`
	// MixStages is, for CodeList and Ranked contests, the number of accepted mix stages
	// (each by a different trustee) after which the contest's rows may be
	// decrypted: t ≤ MixStages ≤ n for a key ceremony of n trustees with
	// threshold t, which NewElection checks. The ballots stay unlinkable if
	// one of those stages was made by an honest trustee, which holds
	// whenever fewer than t trustees are corrupt, the assumption that
	// already protects the decryption. In a ProportionalList contest it
	// chooses the path: 0 (left out) counts the contest homomorphically,
	// and MixStages ≥ 1 sends each ballot's row of codes (its list code
	// and its candidates' codes) through the mixnet (docs/spec.md
	// §Ballots, "Mixed list contests"). Unused for the other kinds.
	MixStages uint32 `json:"mixStages,omitempty"`
	// Strict is, for an Exactly contest, whether the voter must mark
	// exactly Limit candidates: true forbids leaving the contest blank
	// (the contest proof shows the sum is Limit), false allows 0 or Limit.
	// Unused (false) for the other kinds.
	Strict bool `json:"strict,omitempty"`
	// Candidates are the choices, in ballot order.
	Candidates []Candidate `json:"candidates"`

	// The members below are a ProportionalList contest's, and unused (zero) for
	// the other kinds. In a ProportionalList contest Seats is the number of
	// seats the lists share (1 ≤ Seats ≤ the number of candidates),
	// Alternates the number of alternates of each list, and Strict says
	// that a ballot must choose a list (no blank contest).

	// Lists are the party lists, in ballot order.
	Lists []PartyList `json:"lists,omitempty"`
	// ListRule is OpenList or Panachage.
	ListRule ListRule `json:"listRule,omitempty"`
	// Preferences is P, the most candidates a voter marks, 1 ≤ P ≤
	// min(number of candidates, MaxRange).
	Preferences uint32 `json:"preferences,omitempty"`
	// CandidatesOnly allows a ballot that marks candidates without
	// choosing a list. Under OpenList its candidates must be of one list,
	// and the ballot is that list's (EncryptBallot marks the list); under
	// Panachage its marks count for their lists and its unused lines for
	// nobody.
	CandidatesOnly bool `json:"candidatesOnly,omitempty"`
	// Method is, for a Ranked contest, the counting method; for a
	// ProportionalList contest, the seat allocation method (one of
	// ListMethods); empty for the other kinds.
	Method CountingMethod `json:"method,omitempty"`
	// Threshold is the electoral threshold in basis points of the valid
	// list votes (500 is 5%), 0 to MaxThreshold; 0 is none.
	Threshold uint32 `json:"threshold,omitempty"`
}

// A Candidate is one choice of a contest.
type Candidate struct {
	// Code is the candidate code, the short number voters know the
	// candidate by (what they write in a CodeList contest). Candidate codes
	// are unique within a contest.
	Code uint32 `json:"code"`
	// Name is the candidate's name or the option's text.
	Name string `json:"name"`
}

// Limits on manifests, so that a hostile or mistaken manifest cannot make
// encryption or verification unbounded.
const (
	// MaxContests is the largest number of contests in a manifest.
	MaxContests = 1000
	// MaxCandidates is the largest number of candidates in a contest of
	// a kind other than CodeList.
	MaxCandidates = 1000
	// MaxCodeListCandidates is the largest number of candidates in a
	// CodeList contest.
	MaxCodeListCandidates = 10000
	// MaxCandidateCode is the largest candidate code in a CodeList contest:
	// candidate codes take at most 20 bits when packed, so a row of the largest
	// contest has at most 834 ciphertexts.
	MaxCandidateCode = 1<<20 - 1
	// MaxRange is the largest value a range proof covers: MaxScore, and the
	// Limit of a Score contest.
	MaxRange = 1000
	// maxText is the longest identifier, title or name, in bytes.
	maxText = 1024
	// MaxTieBreakSeedSize is the longest tie-break seed, in bytes.
	MaxTieBreakSeedSize = 64
	// MaxVoterWeight is the largest MaxWeight of a manifest, and so the
	// largest weight of a credential.
	MaxVoterWeight = 1<<32 - 1
)

// A TieBreakSeed is the public seed of a manifest that breaks ties in the
// results (docs/spec.md §Tally, "Results"). Its JSON form is a string of
// lowercase hexadecimal, 2 to 128 characters; an election without a seed
// leaves the member out.
type TieBreakSeed []byte

// MarshalText returns the lowercase hexadecimal of s.
func (s TieBreakSeed) MarshalText() ([]byte, error) {
	return []byte(hex.EncodeToString(s)), nil
}

// UnmarshalText decodes 1 to MaxTieBreakSeedSize bytes of lowercase
// hexadecimal. The empty string is refused: an election without a seed
// leaves the member out, so that each manifest has one JSON form.
func (s *TieBreakSeed) UnmarshalText(text []byte) error {
	b, err := decodeHexAny("tieBreakSeed", string(text))
	if err != nil {
		return err
	}
	if len(b) == 0 || len(b) > MaxTieBreakSeedSize {
		return fmt.Errorf("ballot: field tieBreakSeed: %d bytes, want 1..%d (leave the member out when there is no seed)", len(b), MaxTieBreakSeedSize)
	}
	*s = b
	return nil
}

const manifestLabel = "sandogh-v1/manifest"

// Validate checks m and returns an error naming the first problem: an empty
// or duplicate identifier, an empty contest, a duplicate candidate code,
// an impossible limit, a field set that the contest's kind does not use, a
// tie-break seed longer than MaxTieBreakSeedSize.
func (m *Manifest) Validate() error {
	if err := checkText("election identifier", m.ElectionID, false); err != nil {
		return err
	}
	if err := checkName("title", m.Title, true); err != nil {
		return err
	}
	switch m.Policy {
	case OneBallotPerCredential, LastBallotCounts:
	default:
		return fmt.Errorf("ballot: manifest: unknown credential policy %q (want %q or %q)", m.Policy, OneBallotPerCredential, LastBallotCounts)
	}
	if len(m.TieBreakSeed) > MaxTieBreakSeedSize {
		return fmt.Errorf("ballot: manifest: tie-break seed is %d bytes, more than the maximum %d", len(m.TieBreakSeed), MaxTieBreakSeedSize)
	}
	if len(m.Contests) == 0 {
		return fmt.Errorf("ballot: manifest: no contests")
	}
	if len(m.Contests) > MaxContests {
		return fmt.Errorf("ballot: manifest: %d contests exceed the maximum %d", len(m.Contests), MaxContests)
	}
	ids := make(map[string]int, len(m.Contests))
	for i := range m.Contests {
		c := &m.Contests[i]
		if err := c.validate(i); err != nil {
			return err
		}
		if j, ok := ids[c.ID]; ok {
			return fmt.Errorf("ballot: contest %d: identifier %q is also the identifier of contest %d", i, c.ID, j)
		}
		if c.Kind == Ranked && len(m.TieBreakSeed) == 0 {
			return fmt.Errorf("ballot: contest %d (%q): a %q contest needs the manifest's tieBreakSeed: its count draws lots where the rules say so, and the lots are fixed before voting", i, c.ID, Ranked)
		}
		ids[c.ID] = i
	}
	if err := m.validateWeights(); err != nil {
		return err
	}
	return validateStations(m.Stations)
}

// validateWeights checks what a weighted manifest (MaxWeight ≥ 1) may not
// have: polling stations, whose ballots carry no credential and so no
// weight, and Ranked and mixed ProportionalList contests, whose rows the
// mixnet carries without a weight column.
func (m *Manifest) validateWeights() error {
	if m.MaxWeight == 0 {
		return nil
	}
	if len(m.Stations) > 0 {
		return fmt.Errorf("ballot: manifest: maxWeight is %d, but the manifest has %s: a weighted election has remote voters only, since a station ballot's weight could not be checked against the eligibility list without linking the ballot to its voter", m.MaxWeight, prose.Count(len(m.Stations), "station"))
	}
	for i := range m.Contests {
		if c := &m.Contests[i]; c.Kind == Ranked {
			return fmt.Errorf("ballot: contest %d (%q): a %s contest in a weighted election (maxWeight %d): its rows go through the mixnet without a weight column", i, c.ID, c.Kind, m.MaxWeight)
		}
		if c := &m.Contests[i]; c.Kind == ProportionalList && c.Mixed() {
			return fmt.Errorf("ballot: contest %d (%q): a %s contest with mixStages %d in a weighted election (maxWeight %d): its rows go through the mixnet without a weight column (leave mixStages out to count it homomorphically)", i, c.ID, c.Kind, c.MixStages, m.MaxWeight)
		}
	}
	return nil
}

func (c *Contest) validate(i int) error {
	where := fmt.Sprintf("contest %d", i)
	if err := checkText(where+": identifier", c.ID, false); err != nil {
		return err
	}
	where = fmt.Sprintf("contest %d (%q)", i, c.ID)
	if err := checkName(where+": title", c.Title, true); err != nil {
		return err
	}
	if c.Strict && c.Kind != Exactly && c.Kind != ProportionalList {
		return fmt.Errorf("ballot: %s: strict is true, but only an %q or a %q contest is strict (it forbids a blank contest)", where, Exactly, ProportionalList)
	}
	if c.Kind != ProportionalList {
		if err := c.listMembersUnused(where); err != nil {
			return err
		}
	}
	if c.Method != "" && c.Kind != Ranked && c.Kind != ProportionalList {
		return fmt.Errorf("ballot: %s: method is %q, but only a %q contest has a counting method, and a %q contest a seat allocation method (leave it out)", where, c.Method, Ranked, ProportionalList)
	}
	n := len(c.Candidates)
	if n == 0 {
		return fmt.Errorf("ballot: %s: no candidates", where)
	}
	if maxN := c.maxCandidates(); n > maxN {
		return fmt.Errorf("ballot: %s: %d candidates exceed the maximum %d", where, n, maxN)
	}
	codes := make(map[uint32]int, n)
	names := make(map[string]int, n)
	for j, cand := range c.Candidates {
		if err := checkName(fmt.Sprintf("%s: candidate %d: name", where, j), cand.Name, false); err != nil {
			return err
		}
		key := safetext.NameKey(cand.Name)
		if key == "" {
			return fmt.Errorf("ballot: %s: candidate %d: name %+q is blank: it holds only white space and characters that show nothing", where, j, cand.Name)
		}
		if k, ok := names[key]; ok {
			return fmt.Errorf("ballot: %s: candidate %d: name %q reads as the name %q of candidate %d: voters could not tell the two apart (%+q and %+q are the same once forms of yeh, kaf and heh, digits, invisible characters and white space are folded)", where, j, cand.Name, c.Candidates[k].Name, k, cand.Name, c.Candidates[k].Name)
		}
		names[key] = j
		if k, ok := codes[cand.Code]; ok {
			return fmt.Errorf("ballot: %s: candidate %d: code %d is also the code of candidate %d", where, j, cand.Code, k)
		}
		if c.Mixed() && (cand.Code == 0 || cand.Code > MaxCandidateCode) {
			return fmt.Errorf("ballot: %s: candidate %d: code %d is outside 1..%d (0 marks an empty slot of a packed row)", where, j, cand.Code, MaxCandidateCode)
		}
		codes[cand.Code] = j
	}
	unused := func(field string, v uint32) error {
		if v != 0 {
			return fmt.Errorf("ballot: %s: %s is %d, but %s contests do not use it (leave it out)", where, field, v, c.Kind)
		}
		return nil
	}
	board := func() error {
		if c.Seats == 0 && (c.Kind == UpTo || c.Kind == CodeList) {
			return fmt.Errorf("ballot: %s: seats is 0, but a contest of kind %s elects 1 ≤ seats ≤ %d candidates (seats 1 for a single winner)", where, c.Kind, n)
		}
		if c.Alternates > 0 && c.Seats == 0 {
			return fmt.Errorf("ballot: %s: %s but no seats", where, prose.Count(c.Alternates, "alternate"))
		}
		if uint64(c.Seats)+uint64(c.Alternates) > uint64(n) {
			return fmt.Errorf("ballot: %s: %s and %s exceed the %s", where, prose.Count(c.Seats, "seat"), prose.Count(c.Alternates, "alternate"), prose.Count(n, "candidate"))
		}
		return nil
	}
	if !c.Mixed() {
		if err := unused("mixStages", c.MixStages); err != nil {
			return err
		}
	}
	switch c.Kind {
	case Ranked:
		if c.Limit == 0 {
			return fmt.Errorf("ballot: %s: limit is 0; a %s contest needs 1 ≤ limit ≤ %d, the number of candidates (ranks per ballot)", where, c.Kind, n)
		}
		if uint64(c.Limit) > uint64(n) {
			return fmt.Errorf("ballot: %s: limit %d exceeds the %s", where, c.Limit, prose.Count(n, "candidate"))
		}
		if c.MixStages == 0 {
			return fmt.Errorf("ballot: %s: mixStages is 0; a %s contest's rows go through at least one mix stage", where, c.Kind)
		}
		if err := unused("maxScore", c.MaxScore); err != nil {
			return err
		}
		return c.validateMethod(where)
	case CodeList:
		if c.Limit == 0 {
			return fmt.Errorf("ballot: %s: limit is 0; a %s contest needs 1 ≤ limit ≤ %d, the number of candidates (codes per ballot)", where, c.Kind, n)
		}
		if uint64(c.Limit) > uint64(n) {
			return fmt.Errorf("ballot: %s: limit %d exceeds the %s", where, c.Limit, prose.Count(n, "candidate"))
		}
		if c.MixStages == 0 {
			return fmt.Errorf("ballot: %s: mixStages is 0; a %s contest's rows go through at least one mix stage", where, c.Kind)
		}
		if err := unused("maxScore", c.MaxScore); err != nil {
			return err
		}
		return board()
	case UpTo, Exactly:
		if c.Limit == 0 {
			return fmt.Errorf("ballot: %s: limit is 0; a %s contest needs 1 ≤ limit ≤ %d", where, c.Kind, n)
		}
		if uint64(c.Limit) > uint64(n) {
			return fmt.Errorf("ballot: %s: limit %d exceeds the %s", where, c.Limit, prose.Count(n, "candidate"))
		}
		if err := unused("maxScore", c.MaxScore); err != nil {
			return err
		}
		return board()
	case YesNo:
		if n != 2 {
			return fmt.Errorf("ballot: %s: a yes-no contest has exactly 2 candidates (yes, no), not %d", where, n)
		}
		for _, f := range []struct {
			name string
			v    uint32
		}{{"limit", c.Limit}, {"maxScore", c.MaxScore}, {"seats", c.Seats}, {"alternates", c.Alternates}} {
			if err := unused(f.name, f.v); err != nil {
				return err
			}
		}
		return nil
	case Score:
		if c.MaxScore == 0 || c.MaxScore > MaxRange {
			return fmt.Errorf("ballot: %s: maxScore %d is outside 1..%d", where, c.MaxScore, MaxRange)
		}
		if c.Limit > MaxRange {
			return fmt.Errorf("ballot: %s: limit %d on the total score exceeds the maximum %d", where, c.Limit, MaxRange)
		}
		if c.Limit != 0 && uint64(c.Limit) >= uint64(n)*uint64(c.MaxScore) {
			return fmt.Errorf("ballot: %s: limit %d on the total score is no limit: %s × maxScore %d = %d (leave it out)", where, c.Limit, prose.Count(n, "candidate"), c.MaxScore, uint64(n)*uint64(c.MaxScore))
		}
		return board()
	case ProportionalList:
		if c.Limit != 0 {
			return unused("limit", c.Limit)
		}
		if err := unused("maxScore", c.MaxScore); err != nil {
			return err
		}
		return c.validateLists(where)
	case "":
		return fmt.Errorf("ballot: %s: kind is missing", where)
	default:
		return fmt.Errorf("ballot: %s: unknown kind %q", where, c.Kind)
	}
}

// validateMethod checks the counting method of Ranked contest c and the
// seats and alternates it allows.
func (c *Contest) validateMethod(where string) error {
	n := len(c.Candidates)
	noAlternates := func() error {
		if c.Alternates != 0 {
			return fmt.Errorf("ballot: %s: alternates is %d, but the method %q elects no alternates (leave it out)", where, c.Alternates, c.Method)
		}
		return nil
	}
	switch c.Method {
	case STVScottish2007, STVMeek:
		if c.Seats == 0 || uint64(c.Seats) >= uint64(n) {
			return fmt.Errorf("ballot: %s: seats is %d; the method %q elects 1 ≤ seats ≤ %d (fewer than the %s)", where, c.Seats, c.Method, n-1, prose.Count(n, "candidate"))
		}
		return noAlternates()
	case IRV:
		if c.Seats != 1 {
			return fmt.Errorf("ballot: %s: seats is %d; the method %q elects one candidate (seats 1)", where, c.Seats, c.Method)
		}
		return noAlternates()
	case Schulze:
		if n > MaxSchulzeCandidates {
			return fmt.Errorf("ballot: %s: %d candidates exceed the maximum %d of the method %q", where, n, MaxSchulzeCandidates, c.Method)
		}
		if c.Seats == 0 {
			return fmt.Errorf("ballot: %s: seats is 0; the method %q elects the first 1 ≤ seats ≤ %d candidates of its order", where, c.Method, n)
		}
		if uint64(c.Seats)+uint64(c.Alternates) > uint64(n) {
			return fmt.Errorf("ballot: %s: %s and %s exceed the %s", where, prose.Count(c.Seats, "seat"), prose.Count(c.Alternates, "alternate"), prose.Count(n, "candidate"))
		}
		return nil
	case "":
		return fmt.Errorf("ballot: %s: method is missing; a %q contest names its counting method (%q, %q, %q or %q)", where, Ranked, STVScottish2007, STVMeek, IRV, Schulze)
	default:
		return fmt.Errorf("ballot: %s: unknown method %q (want %q, %q, %q or %q)", where, c.Method, STVScottish2007, STVMeek, IRV, Schulze)
	}
}

// Mixed reports whether c's ballots are rows of packed codes that go
// through a mix cascade and are decrypted one by one (CodeList and Ranked
// contests, and ProportionalList contests with MixStages ≥ 1), rather than
// selections added homomorphically.
func (c *Contest) Mixed() bool {
	return c.Kind == CodeList || c.Kind == Ranked || (c.Kind == ProportionalList && c.MixStages > 0)
}

// maxCandidates is the most candidates a contest of c's kind may have.
func (c *Contest) maxCandidates() int {
	if c.Mixed() {
		return MaxCodeListCandidates
	}
	return MaxCandidates
}

// MaxCode returns the largest code of c: of its candidates, and in a
// ProportionalList contest of its lists too. In a mixed contest it fixes
// the number of bits of a packed code (elgamal.PackCodes).
func (c *Contest) MaxCode() uint32 {
	var m uint32
	for _, cand := range c.Candidates {
		m = max(m, cand.Code)
	}
	for _, l := range c.Lists {
		m = max(m, l.Code)
	}
	return m
}

// RowCodes returns the most codes a row of mixed contest c holds: Limit
// for a CodeList or Ranked contest, and for a ProportionalList contest
// Preferences + 1 (a list code and up to Preferences candidate codes); 0
// for a contest that is not mixed.
func (c *Contest) RowCodes() int {
	switch {
	case !c.Mixed():
		return 0
	case c.Kind == ProportionalList:
		return int(c.Preferences) + 1
	}
	return int(c.Limit)
}

// RowWidth returns the number of ciphertexts in a ballot's row for a
// mixed contest, elgamal.PackedWidth(RowCodes(), MaxCode()), and 0
// for the other contests. c must be valid.
func (c *Contest) RowWidth() int {
	if !c.Mixed() {
		return 0
	}
	return elgamal.PackedWidth(c.RowCodes(), c.MaxCode())
}

// maxValue is the largest value of one selection of c: 1, MaxScore, or
// for a Ranked contest the last rank, Limit.
func (c *Contest) maxValue() uint64 {
	switch c.Kind {
	case Score:
		return uint64(c.MaxScore)
	case Ranked:
		return uint64(c.Limit)
	}
	return 1
}

// sumRule says what the contest-level proof shows about the sum s of the
// selections: none (no proof), s ∈ [0, bound], or s ∈ {0, bound}.
type sumRule int

const (
	sumNone      sumRule = iota // no contest proof
	sumAtMost                   // 0 ≤ s ≤ bound: a range proof on the sum
	sumZeroOrAll                // s ∈ {0, bound}: a 0..1 range proof on bound⁻¹·sum
	sumExact                    // s = bound: a 0..0 range proof on sum − bound·G
)

func (c *Contest) sumRule() (sumRule, uint64) {
	switch c.Kind {
	case UpTo:
		return sumAtMost, uint64(c.Limit)
	case Exactly:
		if c.Strict {
			return sumExact, uint64(c.Limit)
		}
		return sumZeroOrAll, uint64(c.Limit)
	case YesNo:
		return sumAtMost, 1
	case Score:
		if c.Limit == 0 {
			return sumNone, 0
		}
		return sumAtMost, uint64(c.Limit)
	case ProportionalList:
		return sumNone, 0 // its contest proofs are listStatements
	}
	panic("ballot: contest kind not validated")
}

// Encode returns the canonical encoding of m (docs/spec.md §Ballots,
// "Manifest"). m must be valid.
func (m *Manifest) Encode() []byte {
	var e wire.Writer
	e.Str(manifestLabel)
	e.Str(m.ElectionID)
	e.Str(m.Title)
	e.Str(string(m.Policy))
	e.Bytes(m.TieBreakSeed)
	e.U32(uint32(len(m.Contests)))
	for i := range m.Contests {
		c := &m.Contests[i]
		e.Str(c.ID)
		e.Str(c.Title)
		e.Str(string(c.Kind))
		var p wire.Writer // the kind's parameter block
		switch c.Kind {
		case UpTo, Exactly:
			p.U32(c.Limit)
			p.U32(c.Seats)
			p.U32(c.Alternates)
			if c.Strict {
				p.U8(1) // only when strict: other manifests keep their bytes
			}
		case YesNo:
		case Score:
			p.U32(c.MaxScore)
			p.U32(c.Limit)
			p.U32(c.Seats)
			p.U32(c.Alternates)
		case CodeList:
			p.U32(c.Limit)
			p.U32(c.Seats)
			p.U32(c.Alternates)
			p.U32(c.MixStages)
		case Ranked:
			p.U32(c.Limit)
			p.U32(c.Seats)
			p.U32(c.Alternates)
			p.U32(c.MixStages)
			p.Str(string(c.Method))
		case ProportionalList:
			// A mixed list contest's block ends with u32(mixStages); a
			// homomorphic one's keeps the bytes it had before the mixnet
			// path existed. The lists are self-delimiting, so the encoding
			// stays injective.
			p.U32(c.Seats)
			p.U32(c.Alternates)
			p.Str(string(c.ListRule))
			p.U32(c.Preferences)
			p.U8(boolByte(c.CandidatesOnly))
			p.U8(boolByte(c.Strict))
			p.Str(string(c.Method))
			p.U32(c.Threshold)
			p.U32(uint32(len(c.Lists)))
			for _, l := range c.Lists {
				p.U32(l.Code)
				p.Str(l.Name)
				p.U32(uint32(len(l.Candidates)))
				for _, code := range l.Candidates {
					p.U32(code)
				}
			}
			if c.MixStages > 0 {
				p.U32(c.MixStages)
			}
		}
		e.Bytes(p.B)
		e.U32(uint32(len(c.Candidates)))
		for _, cand := range c.Candidates {
			e.U32(cand.Code)
			e.Str(cand.Name)
		}
	}
	encodeStations(&e, m.Stations)
	if m.MaxWeight != 0 {
		// Only in a weighted manifest, so that the others keep their bytes.
		// u32(0) is never a stations block (one present has at least one
		// station), so the encoding stays injective.
		e.U32(0)
		e.Str(weightsLabel)
		e.U32(m.MaxWeight)
	}
	return e.B
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// weightsLabel names the weights block of a manifest's encoding.
const weightsLabel = "maxWeight"

// Hash returns SHA-512/256 of the canonical encoding of m. m must be valid.
func (m *Manifest) Hash() [HashSize]byte {
	return sha512.Sum512_256(m.Encode())
}

// ParseManifest decodes the JSON form of a manifest and validates it.
// Unknown fields, trailing data and invalid manifests are rejected.
func ParseManifest(data []byte) (*Manifest, error) {
	m := new(Manifest)
	if err := strictJSON("manifest", data, m); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// clone returns a deep copy of m.
func (m *Manifest) clone() *Manifest {
	c := *m
	if len(m.TieBreakSeed) > 0 {
		c.TieBreakSeed = bytes.Clone(m.TieBreakSeed)
	} else {
		c.TieBreakSeed = nil
	}
	c.Contests = make([]Contest, len(m.Contests))
	for i, ct := range m.Contests {
		ct.Candidates = append([]Candidate(nil), ct.Candidates...)
		if ct.Lists != nil {
			ct.Lists = append([]PartyList(nil), ct.Lists...)
			for l := range ct.Lists {
				ct.Lists[l].Candidates = append([]uint32(nil), ct.Lists[l].Candidates...)
			}
		}
		c.Contests[i] = ct
	}
	c.Stations = cloneStations(m.Stations)
	return &c
}
