package speccheck

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	// The implementation under test, used only by the differential test
	// TestApportionDifferential; every rule below is re-implemented from
	// docs/spec.md (§Counting methods, "Seat allocation to party lists").
	"github.com/sandogh/sandogh/tally/apportion"
)

// apInput is the input of the seat allocation (spec, "Input").
type apInput struct {
	method    string
	seats     int
	threshold uint32
	lists     []apList
	tieBreak  *apTieBreak
}

type apList struct {
	code  uint32
	name  string
	votes uint64
	cands []apCand
}

type apCand struct {
	code  uint32
	name  string
	votes uint64
}

type apTieBreak struct {
	baseHash []byte // 32 bytes
	seed     []byte
	contest  uint32
}

// apSeat is a decided seat (spec, "The result").
type apSeat struct {
	list    uint32
	reason  string
	round   int
	value   *big.Rat
	tieBrok bool
}

type apTie struct {
	reason string
	value  *big.Rat
	seats  int
	lists  []uint32
	broken bool
}

// apResult is the result; listSeats and the JSON bytes are what the tests
// compare.
type apResult struct {
	in             *apInput
	validVotes     *big.Int
	thresholdVotes *big.Rat
	qualifiedVotes *big.Int
	quota          *big.Rat // nil for divisor methods
	qualified      []bool
	seats          []int
	quotaSeats     []int
	remainder      []*big.Rat
	nextQuotient   []*big.Rat
	allocation     []apSeat
	ties           []apTie
	undecided      int
	unfilled       int
}

var apMaxVotes = new(big.Int).Lsh(big.NewInt(1), 63)

func apDivisorMethod(m string) bool {
	return m == "dhondt" || m == "sainte-lague" || m == "modified-sainte-lague"
}

// apValidate refuses exactly the inputs outside the bounds of "Input".
func apValidate(in *apInput) error {
	switch in.method {
	case "dhondt", "sainte-lague", "modified-sainte-lague", "largest-remainder-hare", "largest-remainder-droop":
	default:
		return errors.New("method")
	}
	if in.seats < 1 || in.seats > 10000 {
		return errors.New("seats")
	}
	if in.threshold > 10000 {
		return errors.New("threshold")
	}
	if len(in.lists) < 1 || len(in.lists) > 1000 {
		return errors.New("lists")
	}
	if tb := in.tieBreak; tb != nil && (len(tb.seed) < 1 || len(tb.seed) > 64 || len(tb.baseHash) != 32) {
		return errors.New("tie-break")
	}
	listCodes, candCodes := map[uint32]bool{}, map[uint32]bool{}
	sum, ncand := new(big.Int), 0
	name := func(s string) bool { return utf8.ValidString(s) && len(s) <= 1024 }
	for i, l := range in.lists {
		if listCodes[l.code] {
			return fmt.Errorf("list %d code", i)
		}
		listCodes[l.code] = true
		if !name(l.name) {
			return fmt.Errorf("list %d name", i)
		}
		sum.Add(sum, new(big.Int).SetUint64(l.votes))
		if sum.Cmp(apMaxVotes) > 0 {
			return fmt.Errorf("list %d votes", i)
		}
		for k, c := range l.cands {
			ncand++
			if ncand > 10000 {
				return fmt.Errorf("list %d candidates", i)
			}
			if candCodes[c.code] {
				return fmt.Errorf("list %d candidate %d code", i, k)
			}
			candCodes[c.code] = true
			if !name(c.name) {
				return fmt.Errorf("list %d candidate %d name", i, k)
			}
			if c.votes > 1<<63 {
				return fmt.Errorf("list %d candidate %d votes", i, k)
			}
		}
	}
	return nil
}

// apKey is the list tie-break key (spec, "Ties").
func apKey(tb *apTieBreak, code uint32) []byte {
	b := str(nil, "sandogh-v1/list-tie-break")
	b = append(b, tb.baseHash...)
	b = bytesField(b, tb.seed)
	b = u32(b, tb.contest)
	b = u32(b, code)
	d := sha512.Sum512(b)
	return d[:]
}

func bigU(x uint64) *big.Int { return new(big.Int).SetUint64(x) }

// apDivisor is the divisor of a list's (k+1)-th seat as an exact rational.
func apDivisor(m string, k int) *big.Rat {
	switch m {
	case "dhondt":
		return big.NewRat(int64(k)+1, 1)
	case "sainte-lague":
		return big.NewRat(2*int64(k)+1, 1)
	default: // modified-sainte-lague
		if k == 0 {
			return big.NewRat(7, 5)
		}
		return big.NewRat(2*int64(k)+1, 1)
	}
}

func apQuotient(m string, v uint64, k int) *big.Rat {
	q := new(big.Rat).SetInt(bigU(v))
	return q.Quo(q, apDivisor(m, k))
}

// apAllocate is the allocation of "Valid votes and threshold" to "Within a
// list".
func apAllocate(in *apInput) (*apResult, error) {
	if err := apValidate(in); err != nil {
		return nil, err
	}
	n := len(in.lists)
	r := &apResult{in: in, validVotes: new(big.Int), qualifiedVotes: new(big.Int),
		qualified: make([]bool, n), seats: make([]int, n), quotaSeats: make([]int, n),
		remainder: make([]*big.Rat, n), nextQuotient: make([]*big.Rat, n)}
	for _, l := range in.lists {
		r.validVotes.Add(r.validVotes, bigU(l.votes))
	}
	tW := new(big.Int).Mul(big.NewInt(int64(in.threshold)), r.validVotes)
	r.thresholdVotes = new(big.Rat).SetFrac(tW, big.NewInt(10000))
	for i, l := range in.lists {
		lhs := new(big.Int).Mul(bigU(l.votes), big.NewInt(10000))
		r.qualified[i] = lhs.Cmp(tW) >= 0
		if r.qualified[i] {
			r.qualifiedVotes.Add(r.qualifiedVotes, bigU(l.votes))
		}
	}
	open := func(i int) bool {
		return r.qualified[i] && in.lists[i].votes > 0 && r.seats[i] < len(in.lists[i].cands)
	}
	// order puts a group of list indexes in the order of "Ties".
	order := func(g []int) {
		if in.tieBreak == nil {
			sort.Ints(g)
			return
		}
		sort.SliceStable(g, func(a, b int) bool {
			return bytes.Compare(apKey(in.tieBreak, in.lists[g[a]].code), apKey(in.tieBreak, in.lists[g[b]].code)) < 0
		})
	}
	left := in.seats
	// contest gives one seat each to group g (already ordered) or records
	// the tie for the left seats.
	contest := func(g []int, reason string, value func(i int) *big.Rat, round func(i int) int) {
		if len(g) <= left {
			for _, i := range g {
				r.allocation = append(r.allocation, apSeat{in.lists[i].code, reason, round(i), value(i), false})
				r.seats[i]++
			}
			left -= len(g)
			return
		}
		t := apTie{reason: reason, value: value(g[0]), seats: left, broken: in.tieBreak != nil}
		for _, i := range g {
			t.lists = append(t.lists, in.lists[i].code)
		}
		if in.tieBreak != nil {
			for _, i := range g[:left] {
				r.allocation = append(r.allocation, apSeat{in.lists[i].code, reason, round(i), value(i), true})
				r.seats[i]++
			}
		} else {
			r.undecided = left
		}
		left = 0
		r.ties = append(r.ties, t)
	}

	if apDivisorMethod(in.method) {
		for left > 0 {
			var best *big.Rat
			var g []int
			for i := range in.lists {
				if !open(i) {
					continue
				}
				q := apQuotient(in.method, in.lists[i].votes, r.seats[i])
				switch {
				case best != nil && q.Cmp(best) < 0:
				case best != nil && q.Cmp(best) == 0:
					g = append(g, i)
				default:
					best, g = q, []int{i}
				}
			}
			if best == nil {
				r.unfilled = left
				break
			}
			order(g)
			contest(g, "divisor",
				func(i int) *big.Rat { return apQuotient(in.method, in.lists[i].votes, r.seats[i]) },
				func(i int) int { return r.seats[i] + 1 })
		}
		for i, l := range in.lists {
			if r.qualified[i] {
				r.nextQuotient[i] = apQuotient(in.method, l.votes, r.seats[i])
			}
		}
		return r, nil
	}

	// Largest remainder methods.
	V, S := r.qualifiedVotes, big.NewInt(int64(in.seats))
	whole := make([]int, n)
	hare := in.method == "largest-remainder-hare"
	if hare {
		if V.Sign() == 0 {
			r.quota = new(big.Rat)
		} else {
			r.quota = new(big.Rat).SetFrac(V, S)
		}
	} else {
		q := new(big.Int).Quo(V, new(big.Int).Add(S, big.NewInt(1)))
		r.quota = new(big.Rat).SetInt(q.Add(q, big.NewInt(1)))
	}
	for i, l := range in.lists {
		if !r.qualified[i] {
			continue
		}
		v := bigU(l.votes)
		if hare {
			if V.Sign() == 0 {
				// V = 0: no qualified list has votes, and the remainder
				// is 0/1 ("Largest remainder methods").
				r.remainder[i] = new(big.Rat)
				continue
			}
			vS := new(big.Int).Mul(v, S)
			a, m := new(big.Int).QuoRem(vS, V, new(big.Int))
			whole[i] = int(a.Int64())
			r.remainder[i] = new(big.Rat).SetFrac(m, S)
		} else {
			q := r.quota.Num()
			a, m := new(big.Int).QuoRem(v, q, new(big.Int))
			whole[i] = int(a.Int64())
			r.remainder[i] = new(big.Rat).SetInt(m)
		}
	}
	// 1. Quota seats, in input order.
	for i, l := range in.lists {
		if !r.qualified[i] || l.votes == 0 {
			continue
		}
		s := min(whole[i], len(l.cands))
		value := new(big.Rat).Quo(new(big.Rat).SetInt(bigU(l.votes)), r.quota)
		for k := 0; k < s; k++ {
			r.allocation = append(r.allocation, apSeat{l.code, "quota", k + 1, value, false})
		}
		r.seats[i], r.quotaSeats[i] = s, s
		left -= s
	}
	// 2. Remainder seats, in passes over the ranking by remainder.
	var ranked []int
	for i, l := range in.lists {
		if r.qualified[i] && l.votes > 0 {
			ranked = append(ranked, i)
		}
	}
	sort.SliceStable(ranked, func(a, b int) bool { return r.remainder[ranked[a]].Cmp(r.remainder[ranked[b]]) > 0 })
	for p := 1; left > 0; p++ {
		anyOpen := false
		for a := 0; a < len(ranked) && left > 0; {
			b := a
			for b < len(ranked) && r.remainder[ranked[b]].Cmp(r.remainder[ranked[a]]) == 0 {
				b++
			}
			var g []int
			for _, i := range ranked[a:b] {
				if open(i) {
					g = append(g, i)
				}
			}
			a = b
			if len(g) == 0 {
				continue
			}
			anyOpen = true
			order(g)
			contest(g, "remainder", func(i int) *big.Rat { return r.remainder[i] }, func(int) int { return p })
		}
		if !anyOpen {
			r.unfilled = left
			break
		}
	}
	return r, nil
}

// apWithin orders a list's candidates (spec, "Within a list"): elected,
// alternates.
func apWithin(l apList, s int) (elected, alternates []uint32) {
	idx := make([]int, len(l.cands))
	for k := range idx {
		idx[k] = k
	}
	sort.SliceStable(idx, func(a, b int) bool { return l.cands[idx[a]].votes > l.cands[idx[b]].votes })
	elected, alternates = []uint32{}, []uint32{}
	for j, k := range idx {
		if j < s {
			elected = append(elected, l.cands[k].code)
		} else {
			alternates = append(alternates, l.cands[k].code)
		}
	}
	return
}

// apString writes T of "JSON form".
func apString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\f':
			b.WriteString(`\f`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029:
			fmt.Fprintf(b, `\u%04x`, c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
}

// apRat writes F: "n/d" in lowest terms (big.Rat is always reduced).
func apRat(x *big.Rat) string { return `"` + x.Num().String() + "/" + x.Denom().String() + `"` }

func apCodes(cs []uint32) string {
	s := make([]string, len(cs))
	for k, c := range cs {
		s[k] = strconv.FormatUint(uint64(c), 10)
	}
	return "[" + strings.Join(s, ",") + "]"
}

// json writes the result in the member order of "JSON form".
func (r *apResult) json() []byte {
	in := r.in
	var b strings.Builder
	fmt.Fprintf(&b, `{"method":"%s","seats":%d,"threshold":%d,"validVotes":%s,"thresholdVotes":%s,"qualifiedVotes":%s,`,
		in.method, in.seats, in.threshold, r.validVotes, apRat(r.thresholdVotes), r.qualifiedVotes)
	if r.quota != nil {
		fmt.Fprintf(&b, `"quota":%s,`, apRat(r.quota))
	}
	fmt.Fprintf(&b, `"tieBreak":%t,"lists":[`, in.tieBreak != nil)
	for i, l := range in.lists {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"code":%d,"name":`, l.code)
		apString(&b, l.name)
		fmt.Fprintf(&b, `,"votes":%d,"qualified":%t,"seats":%d,`, l.votes, r.qualified[i], r.seats[i])
		if r.qualified[i] {
			if r.quota != nil {
				fmt.Fprintf(&b, `"quotaSeats":%d,"remainder":%s,`, r.quotaSeats[i], apRat(r.remainder[i]))
			} else {
				fmt.Fprintf(&b, `"nextQuotient":%s,`, apRat(r.nextQuotient[i]))
			}
		}
		b.WriteString(`"candidates":[`)
		for k, c := range l.cands {
			if k > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"code":%d,"name":`, c.code)
			apString(&b, c.name)
			fmt.Fprintf(&b, `,"votes":%d}`, c.votes)
		}
		el, al := apWithin(l, r.seats[i])
		fmt.Fprintf(&b, `],"elected":%s,"alternates":%s}`, apCodes(el), apCodes(al))
	}
	b.WriteString(`],"allocation":[`)
	for k, s := range r.allocation {
		if k > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"seat":%d,"list":%d,"reason":"%s","round":%d,"value":%s,"tieBroken":%t}`,
			k+1, s.list, s.reason, s.round, apRat(s.value), s.tieBrok)
	}
	b.WriteString(`],"ties":[`)
	for k, t := range r.ties {
		if k > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"reason":"%s","value":%s,"seats":%d,"lists":%s,"broken":%t}`,
			t.reason, apRat(t.value), t.seats, apCodes(t.lists), t.broken)
	}
	fmt.Fprintf(&b, `],"undecided":%d,"unfilled":%d}`, r.undecided, r.unfilled)
	return []byte(b.String())
}

// apStaffed gives every list n candidates without preference votes, as a
// source that publishes only the lists' votes needs.
func apStaffed(lists []apList, n int) []apList {
	for i := range lists {
		lists[i].cands = make([]apCand, n)
		for k := range lists[i].cands {
			lists[i].cands[k] = apCand{code: lists[i].code*20000 + uint32(k) + 1}
		}
	}
	return lists
}

func apMust(t *testing.T, in *apInput) *apResult {
	t.Helper()
	r, err := apAllocate(in)
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	total := r.undecided + r.unfilled
	for _, s := range r.seats {
		total += s
	}
	if total != in.seats {
		t.Fatalf("seats + undecided + unfilled = %d, want %d", total, in.seats)
	}
	return r
}

type apFileList struct {
	Code  uint32 `json:"code"`
	Name  string `json:"name"`
	Votes uint64 `json:"votes"`
}

// TestApportionWorkedExamples recomputes tally/apportion/testdata/
// worked-examples.json (Staatsrecht Honikel, Wikipedia, Voting Theory
// Forum): the seats, the order of the seats and the quota as published.
func TestApportionWorkedExamples(t *testing.T) {
	var file struct {
		Cases []struct {
			Name      string       `json:"name"`
			Method    string       `json:"method"`
			Seats     int          `json:"seats"`
			Lists     []apFileList `json:"lists"`
			WantSeats []int        `json:"wantSeats"`
			WantOrder []uint32     `json:"wantOrder"`
			WantQuota string       `json:"wantQuota"`
		} `json:"cases"`
	}
	readJSON(t, "../../tally/apportion/testdata/worked-examples.json", &file)
	if len(file.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range file.Cases {
		var lists []apList
		for _, l := range c.Lists {
			lists = append(lists, apList{code: l.Code, name: l.Name, votes: l.Votes})
		}
		r := apMust(t, &apInput{method: c.Method, seats: c.Seats, lists: apStaffed(lists, c.Seats)})
		if fmt.Sprint(r.seats) != fmt.Sprint(c.WantSeats) {
			t.Errorf("%s: seats %v, published %v", c.Name, r.seats, c.WantSeats)
		}
		if c.WantOrder != nil {
			var order []uint32
			for _, s := range r.allocation {
				order = append(order, s.list)
			}
			if fmt.Sprint(order) != fmt.Sprint(c.WantOrder) {
				t.Errorf("%s: order %v, published %v", c.Name, order, c.WantOrder)
			}
		}
		if c.WantQuota != "" && r.quota.String() != c.WantQuota {
			t.Errorf("%s: quota %s, published %s", c.Name, r.quota, c.WantQuota)
		}
		if r.undecided != 0 || r.unfilled != 0 || len(r.ties) != 0 {
			t.Errorf("%s: tie or unfilled seats where the source has none", c.Name)
		}
	}
}

// TestApportionDroopPasses is the spec's own example of "Largest
// remainder methods": 100 votes, 30 seats, lists of 23, 26 and 51 votes,
// quota 4, passes A, C, B, A, C, B, then A and C tied for the last seat.
func TestApportionDroopPasses(t *testing.T) {
	lists := apStaffed([]apList{{code: 1, votes: 23}, {code: 2, votes: 26}, {code: 3, votes: 51}}, 30)
	r := apMust(t, &apInput{method: "largest-remainder-droop", seats: 30, lists: lists})
	var order []uint32
	for _, s := range r.allocation {
		if s.reason == "remainder" {
			order = append(order, s.list)
		}
	}
	if r.quota.String() != "4/1" || len(r.allocation) != 29 || fmt.Sprint(order) != "[1 3 2 1 3 2]" ||
		len(r.ties) != 1 || fmt.Sprint(r.ties[0].lists) != "[1 3]" || r.undecided != 1 {
		t.Errorf("quota %s, %d seats, remainder order %v, ties %v, undecided %d", r.quota, len(r.allocation), order, r.ties, r.undecided)
	}
}

// TestApportionNorway2005 recomputes testdata/norway-2005-storting.json
// (Innst. S. nr. 1 (2005–2006), Vedlegg 1.3): the threshold in votes, the
// seven parties above it, and with the leveling-seat exclusion rounds of
// the election act (done here, as the spec says: a party with more district
// seats than the calculation gives keeps them and leaves it) the published
// seats of every party.
func TestApportionNorway2005(t *testing.T) {
	var file struct {
		Seats          int    `json:"seats"`
		Threshold      uint32 `json:"threshold"`
		ValidVotes     uint64 `json:"validVotes"`
		ThresholdVotes string `json:"thresholdVotes"`
		Parties        []struct {
			apFileList
			DistrictSeats int `json:"districtSeats"`
			FinalSeats    int `json:"finalSeats"`
		} `json:"parties"`
	}
	readJSON(t, "../../tally/apportion/testdata/norway-2005-storting.json", &file)
	var lists []apList
	for _, p := range file.Parties {
		lists = append(lists, apList{code: p.Code, name: p.Name, votes: p.Votes})
	}
	apStaffed(lists, file.Seats)
	r := apMust(t, &apInput{method: "modified-sainte-lague", seats: file.Seats, threshold: file.Threshold, lists: lists})
	if r.validVotes.Uint64() != file.ValidVotes || r.thresholdVotes.String() != file.ThresholdVotes {
		t.Fatalf("valid votes %s, threshold %s; published %d, %s", r.validVotes, r.thresholdVotes, file.ValidVotes, file.ThresholdVotes)
	}
	// "At least 105 531 approved votes are needed": the least integer not
	// below thresholdVotes.
	need := new(big.Int).Quo(new(big.Int).Add(r.thresholdVotes.Num(), new(big.Int).Sub(r.thresholdVotes.Denom(), big.NewInt(1))), r.thresholdVotes.Denom())
	if need.Int64() != 105531 {
		t.Errorf("votes needed %s, published 105531", need)
	}
	var active []apList
	for i, l := range lists {
		if r.qualified[i] != (l.votes >= 105531) {
			t.Errorf("%s: qualified %v", l.name, r.qualified[i])
		}
		if r.qualified[i] {
			active = append(active, l)
		}
	}
	district := map[uint32]int{}
	for _, p := range file.Parties {
		district[p.Code] = p.DistrictSeats
	}
	final, seats := map[uint32]int{}, file.Seats
	for round := 0; ; round++ {
		r := apMust(t, &apInput{method: "modified-sainte-lague", seats: seats, lists: active})
		var keep []apList
		for i, l := range active {
			if d := district[l.code]; r.seats[i] < d {
				final[l.code], seats = d, seats-d
				continue
			}
			keep = append(keep, l)
		}
		if len(keep) == len(active) {
			for i, l := range active {
				final[l.code] = r.seats[i]
			}
			break
		}
		if round > len(file.Parties) {
			t.Fatal("no fixed point")
		}
		active = keep
	}
	for _, p := range file.Parties {
		if final[p.Code] != p.FinalSeats {
			t.Errorf("%s: %d seats, published %d", p.Name, final[p.Code], p.FinalSeats)
		}
	}
}

// TestApportionSametinget2005 recomputes testdata/sametinget-2005.json
// (Statistics Norway, Sametingsvalet 2005, tables 2 and 5): every
// constituency by modified Sainte-Laguë, and checks that plain Sainte-Laguë
// would differ in five of them, as the file says.
func TestApportionSametinget2005(t *testing.T) {
	var file struct {
		Constituencies []struct {
			Name           string         `json:"name"`
			Seats          int            `json:"seats"`
			Lists          []apFileList   `json:"lists"`
			PublishedSeats map[string]int `json:"publishedSeats"`
		} `json:"constituencies"`
	}
	readJSON(t, "../../tally/apportion/testdata/sametinget-2005.json", &file)
	if len(file.Constituencies) != 13 {
		t.Fatalf("%d constituencies, want 13", len(file.Constituencies))
	}
	total, differ := 0, 0
	for _, c := range file.Constituencies {
		var lists []apList
		for _, l := range c.Lists {
			lists = append(lists, apList{code: l.Code, name: l.Name, votes: l.Votes})
		}
		apStaffed(lists, c.Seats)
		seatMap := func(m string) map[string]int {
			r := apMust(t, &apInput{method: m, seats: c.Seats, lists: lists})
			if r.undecided != 0 {
				t.Errorf("%s (%s): a tie", c.Name, m)
			}
			got := map[string]int{}
			for i, l := range lists {
				if r.seats[i] > 0 {
					got[strconv.FormatUint(uint64(l.code), 10)] = r.seats[i]
				}
			}
			return got
		}
		got := seatMap("modified-sainte-lague")
		if fmt.Sprint(got) != fmt.Sprint(c.PublishedSeats) {
			t.Errorf("%s: seats %v, published %v", c.Name, got, c.PublishedSeats)
		}
		if fmt.Sprint(seatMap("sainte-lague")) != fmt.Sprint(got) {
			differ++
		}
		total += c.Seats
	}
	if total != 43 || differ != 5 {
		t.Errorf("%d seats (want 43); plain Sainte-Laguë differs in %d constituencies (want 5)", total, differ)
	}
}

// TestApportionTieBreakKeys recomputes testdata/list-tie-break.json.
func TestApportionTieBreakKeys(t *testing.T) {
	var file struct {
		Vectors []struct {
			BaseHash string `json:"baseHash"`
			Seed     string `json:"seed"`
			Contest  uint32 `json:"contest"`
			Code     uint32 `json:"code"`
			Key      string `json:"key"`
		} `json:"vectors"`
	}
	readJSON(t, "../../tally/apportion/testdata/list-tie-break.json", &file)
	if len(file.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for i, v := range file.Vectors {
		key := apKey(&apTieBreak{mustHex(v.BaseHash), mustHex(v.Seed), v.Contest}, v.Code)
		if hex.EncodeToString(key) != v.Key {
			t.Errorf("vector %d: key differs", i)
		}
	}
}

// TestApportionGoldenJSON recomputes the bytes of testdata/result-dhondt.json
// and result-largest-remainder-droop.json from the input they publish (the
// lists, candidates and votes are all in the result) and the tie-break seed
// stated in the spec: base hash ab followed by 31 zero bytes, seed 05,
// contest 3.
func TestApportionGoldenJSON(t *testing.T) {
	for _, name := range []string{"result-dhondt.json", "result-largest-remainder-droop.json"} {
		data, err := os.ReadFile("../../tally/apportion/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		in := apGoldenInput(t, data)
		want, ok := bytes.CutSuffix(data, []byte("\n"))
		if !ok || bytes.ContainsAny(want, "\n") {
			t.Fatalf("%s: not one line followed by one newline", name)
		}
		if got := apMust(t, in).json(); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
		// Another seed or another vote gives other bytes.
		other := *in
		other.tieBreak = &apTieBreak{in.tieBreak.baseHash, []byte{6}, 3}
		var flips int
		for s := byte(0); s < 16; s++ {
			other.tieBreak.seed = []byte{s}
			if !bytes.Equal(apMust(t, &other).json(), want) {
				flips++
			}
		}
		if flips == 0 {
			t.Errorf("%s: no seed changes the result", name)
		}
		other = *in
		other.lists = append([]apList(nil), in.lists...)
		other.lists[2].votes++
		if bytes.Equal(apMust(t, &other).json(), want) {
			t.Errorf("%s: one more vote for list 3 changes nothing", name)
		}
	}
}

// apGoldenInput reads the input back from a published result.
func apGoldenInput(t *testing.T, data []byte) *apInput {
	var res struct {
		Method    string `json:"method"`
		Seats     int    `json:"seats"`
		Threshold uint32 `json:"threshold"`
		TieBreak  bool   `json:"tieBreak"`
		Lists     []struct {
			apFileList
			Candidates []apFileList `json:"candidates"`
		} `json:"lists"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if !res.TieBreak {
		t.Fatal("golden result without a tie-break seed")
	}
	bh := make([]byte, 32)
	bh[0] = 0xab
	in := &apInput{method: res.Method, seats: res.Seats, threshold: res.Threshold,
		tieBreak: &apTieBreak{baseHash: bh, seed: []byte{5}, contest: 3}}
	for _, l := range res.Lists {
		al := apList{code: l.Code, name: l.Name, votes: l.Votes}
		for _, c := range l.Candidates {
			al.cands = append(al.cands, apCand{c.Code, c.Name, c.Votes})
		}
		in.lists = append(in.lists, al)
	}
	return in
}

// apRandom draws a small input: few lists and seats, votes mostly small
// and often equal (ties), sometimes near 2^62, candidates fewer than seats,
// names with characters the JSON form escapes, sometimes a seed, and now
// and then an input outside the bounds.
func apRandom(rng *rand.Rand) *apInput {
	methods := []string{"dhondt", "sainte-lague", "modified-sainte-lague", "largest-remainder-hare", "largest-remainder-droop"}
	in := &apInput{method: methods[rng.IntN(len(methods))], seats: 1 + rng.IntN(12)}
	switch rng.IntN(4) {
	case 0:
		in.threshold = uint32(rng.IntN(10001))
	case 1:
		in.threshold = []uint32{500, 400, 2500, 10000}[rng.IntN(4)]
	}
	names := []string{"", "A", "Grön & <Blå>", "q\"\\", "\x00\x1f\b\f\n\r\t\x7f", "\u2028\u2029é", "Ω"}
	huge := rng.IntN(8) == 0
	n := 1 + rng.IntN(6)
	code := uint32(0)
	for i := 0; i < n; i++ {
		code += 1 + uint32(rng.IntN(3))
		l := apList{code: code, name: names[rng.IntN(len(names))]}
		switch {
		case huge:
			l.votes = uint64(rng.Int64N(1<<60)) + uint64(rng.IntN(3))<<60
		case rng.IntN(5) == 0:
			l.votes = uint64(rng.IntN(3))
		default:
			l.votes = uint64(rng.IntN(4)) * 30 // often equal
			if rng.IntN(3) == 0 {
				l.votes += uint64(rng.IntN(50))
			}
		}
		nc := in.seats
		if rng.IntN(3) == 0 {
			nc = rng.IntN(in.seats + 2)
		}
		for k := nc; k > 0; k-- {
			l.cands = append(l.cands, apCand{code: l.code*100 + uint32(k), name: names[rng.IntN(len(names))], votes: uint64(rng.IntN(4))})
		}
		in.lists = append(in.lists, l)
	}
	// Shuffle the list order: codes need not ascend.
	rng.Shuffle(len(in.lists), func(a, b int) { in.lists[a], in.lists[b] = in.lists[b], in.lists[a] })
	if rng.IntN(2) == 0 {
		bh := make([]byte, 32)
		bh[rng.IntN(32)] = byte(rng.IntN(256))
		seed := make([]byte, 1+rng.IntN(4))
		for k := range seed {
			seed[k] = byte(rng.IntN(256))
		}
		in.tieBreak = &apTieBreak{bh, seed, uint32(rng.IntN(5))}
	}
	if rng.IntN(20) == 0 { // out of bounds
		switch rng.IntN(6) {
		case 0:
			in.seats = 0
		case 1:
			in.threshold = 10001
		case 2:
			in.lists[0].votes = 1<<63 + 1
		case 3:
			in.lists = append(in.lists, apList{code: in.lists[0].code})
		case 4:
			in.lists[0].name = "\xff"
		case 5:
			in.method = "dhondt2"
		}
	}
	return in
}

func apToPackage(in *apInput) *apportion.Input {
	p := &apportion.Input{Method: apportion.Method(in.method), Seats: in.seats, Threshold: in.threshold}
	for _, l := range in.lists {
		pl := apportion.List{Code: l.code, Name: l.name, Votes: l.votes}
		for _, c := range l.cands {
			pl.Candidates = append(pl.Candidates, apportion.Candidate{Code: c.code, Name: c.name, Votes: c.votes})
		}
		p.Lists = append(p.Lists, pl)
	}
	if tb := in.tieBreak; tb != nil {
		p.TieBreak = &apportion.TieBreak{Seed: tb.seed, Contest: tb.contest}
		copy(p.TieBreak.BaseHash[:], tb.baseHash)
	}
	return p
}

// TestApportionDifferential runs random small inputs through this
// re-implementation and through package tally/apportion's Allocate, and
// requires the same refusals and the same JSON bytes.
func TestApportionDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	n := 3000
	if testing.Short() {
		n = 500
	}
	edges := apEdgeCases()
	var ties, unfilled, refused int
	for k := 0; k < len(edges)+n; k++ {
		var in *apInput
		if k < len(edges) {
			in = edges[k]
		} else {
			in = apRandom(rng)
		}
		mine, myErr := apAllocate(in)
		theirs, err := apportion.Allocate(apToPackage(in))
		if (myErr == nil) != (err == nil) {
			t.Errorf("case %d: refusal differs: spec %v, package %v; input %+v", k, myErr, err, in)
			continue
		}
		if err != nil {
			refused++
			continue
		}
		got, err := json.Marshal(theirs)
		if err != nil {
			t.Fatal(err)
		}
		if want := mine.json(); !bytes.Equal(got, want) {
			t.Errorf("case %d: results differ\npackage %s\nspec    %s", k, got, want)
			continue
		}
		if len(mine.ties) > 0 {
			ties++
		}
		if mine.unfilled > 0 {
			unfilled++
		}
	}
	// The draw must exercise the ties, the unfilled seats and the refusals.
	if ties < n/20 || unfilled < n/50 || refused < n/100 {
		t.Errorf("weak draw: %d ties, %d with unfilled seats, %d refused of %d", ties, unfilled, refused, n)
	}
}

// apEdgeCases are inputs at the edges of the rules: no votes at all (V = 0
// under every method), votes and sums at 2^63, names of 1,024 and 1,025
// bytes, seeds of 0, 1, 64 and 65 bytes, a candidate whose code is a list's
// code, lists without candidates, and the largest number of seats.
func apEdgeCases() []*apInput {
	var out []*apInput
	add := func(in *apInput) { out = append(out, in) }
	seed := func(n int) *apTieBreak { return &apTieBreak{make([]byte, 32), bytes.Repeat([]byte{7}, n), 1} }
	methods := []string{"dhondt", "sainte-lague", "modified-sainte-lague", "largest-remainder-hare", "largest-remainder-droop"}
	for _, m := range methods {
		for _, th := range []uint32{0, 500, 10000} {
			add(&apInput{method: m, seats: 3, threshold: th, lists: apStaffed([]apList{{code: 1}, {code: 2}}, 3)})
			add(&apInput{method: m, seats: 3, threshold: th, lists: apStaffed([]apList{{code: 1, votes: 5}, {code: 2, votes: 5}, {code: 3}}, 3)})
		}
		add(&apInput{method: m, seats: 5, lists: apStaffed([]apList{{code: 9, votes: 1 << 63}}, 5)})
		add(&apInput{method: m, seats: 5, lists: apStaffed([]apList{{code: 9, votes: 1<<63 + 1}}, 5)})
		add(&apInput{method: m, seats: 5, lists: apStaffed([]apList{{code: 1, votes: 1 << 62}, {code: 2, votes: 1 << 62}}, 5)})
		add(&apInput{method: m, seats: 5, lists: apStaffed([]apList{{code: 1, votes: 1 << 62}, {code: 2, votes: 1<<62 + 1}}, 5)})
		add(&apInput{method: m, seats: 5, threshold: 5000, tieBreak: seed(1), lists: apStaffed([]apList{{code: 1, votes: 1 << 62}, {code: 2, votes: 1 << 62}}, 5)})
		add(&apInput{method: m, seats: 10000, lists: apStaffed([]apList{{code: 1, votes: 1<<63 - 1}, {code: 2, votes: 1}}, 5000)})
		add(&apInput{method: m, seats: 10001, lists: apStaffed([]apList{{code: 1, votes: 1}}, 1)})
		add(&apInput{method: m, seats: 4, lists: []apList{{code: 1, votes: 10}, {code: 2, votes: 10}}})
		add(&apInput{method: m, seats: 4, lists: []apList{{code: 1, votes: 10, cands: []apCand{{code: 2, votes: 1 << 63}}}, {code: 2, votes: 7, cands: []apCand{{code: 1}}}}})
		add(&apInput{method: m, seats: 4, lists: []apList{{code: 1, votes: 10, cands: []apCand{{code: 2, votes: 1<<63 + 1}}}}})
		add(&apInput{method: m, seats: 4, lists: []apList{{code: 1, votes: 10, cands: []apCand{{code: 2}, {code: 2}}}}})
		add(&apInput{method: m, seats: 2, lists: []apList{{code: 1, votes: 10, name: strings.Repeat("é", 512)}}})
		add(&apInput{method: m, seats: 2, lists: []apList{{code: 1, votes: 10, name: strings.Repeat("é", 512) + "x"}}})
		add(&apInput{method: m, seats: 2, lists: []apList{{code: 1, votes: 10, cands: []apCand{{code: 5, name: strings.Repeat("x", 1025)}}}}})
		for _, n := range []int{0, 1, 64, 65} {
			add(&apInput{method: m, seats: 2, tieBreak: seed(n), lists: apStaffed([]apList{{code: 1, votes: 3}, {code: 2, votes: 3}, {code: 3, votes: 3}}, 2)})
		}
		add(&apInput{method: m, seats: 1, lists: apStaffed(make([]apList, 0), 1)})
	}
	many := make([]apList, 1001)
	for i := range many {
		many[i] = apList{code: uint32(i), votes: uint64(i)}
	}
	add(&apInput{method: "dhondt", seats: 3, lists: many[:1000]})
	add(&apInput{method: "dhondt", seats: 3, lists: many})
	cands := make([]apCand, 10001)
	for k := range cands {
		cands[k] = apCand{code: uint32(k)}
	}
	add(&apInput{method: "dhondt", seats: 3, lists: []apList{{code: 1, votes: 1, cands: cands[:10000]}}})
	add(&apInput{method: "dhondt", seats: 3, lists: []apList{{code: 1, votes: 1, cands: cands}}})
	return out
}
