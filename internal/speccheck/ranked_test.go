package speccheck

// Ranked ballots (docs/spec.md, §Counting methods, "Ranked ballots:
// rankings, Scottish STV, Meek STV, instant-runoff, Schulze"), re-implemented
// from that text alone: the validation of rankings, the Values, Scottish STV
// with its tie rules and the lot, instant-runoff, Schulze (winning votes)
// and Meek's method, with their JSON forms. The tests count the reference elections of
// tally/ranked/testdata and compare with the published figures, and compare
// random small elections with package tally/ranked, the one sandogh package
// imported here, as the implementation under test.

import (
	"bufio"
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/tally/ranked"
)

// rkUnit is one paper at full value: Values are in units of 10^-5.
const rkUnit = 100000

// rkValue writes a Value: sign if negative, canonical integer part, point,
// exactly five digits.
func rkValue(v int64) string {
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-v)
	}
	return fmt.Sprintf("%s%d.%05d", sign, u/rkUnit, u%rkUnit)
}

// rkParseValue reads a Value in the form rkValue writes, and nothing else.
func rkParseValue(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	ip, fp, ok := strings.Cut(body, ".")
	if !ok || len(fp) != 5 || ip == "" || (len(ip) > 1 && ip[0] == '0') {
		return 0, fmt.Errorf("value %q", s)
	}
	for _, c := range ip + fp {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("value %q", s)
		}
	}
	i, err := strconv.ParseInt(ip, 10, 64)
	if err != nil || i > (1<<62)/rkUnit {
		return 0, fmt.Errorf("value %q", s)
	}
	f, _ := strconv.ParseInt(fp, 10, 64)
	v := i*rkUnit + f
	if neg {
		if v == 0 {
			return 0, fmt.Errorf("value %q: negative zero", s)
		}
		v = -v
	}
	return v, nil
}

// The reason texts of the table of §Rankings.
const (
	rkEmpty    = "empty ranking"
	rkTooMany  = "too many ranks"
	rkUnknown  = "unknown candidate"
	rkRepeated = "repeated candidate"
	rkGap      = "gap in ranks"
)

// rkValidate checks a row against n candidates and N ranks; "" if valid,
// else the first failing check's reason text.
func rkValidate(n, maxRanks int, row []int) string {
	if len(row) == 0 {
		return rkEmpty
	}
	if len(row) > maxRanks {
		return rkTooMany
	}
	for i, x := range row {
		if x < 0 || x >= n {
			return rkUnknown
		}
		for _, y := range row[:i] {
			if y == x {
				return rkRepeated
			}
		}
	}
	return ""
}

// rkFromSlots decodes a row of fixed width whose empty slots hold empty:
// the filled slots before the first empty one, a filled slot after an
// empty one being a gap (checked before the others).
func rkFromSlots(n, maxRanks int, slots []int, empty int) ([]int, string) {
	k := 0
	for k < len(slots) && slots[k] != empty {
		k++
	}
	for _, x := range slots[k:] {
		if x != empty {
			return nil, rkGap
		}
	}
	row := slices.Clone(slots[:k])
	return row, rkValidate(n, maxRanks, row)
}

// rkLot is the public tie-break seed of §The lot.
type rkLot struct {
	baseHash [32]byte
	seed     []byte
	contest  uint32
}

func (l *rkLot) key(c int) []byte {
	var b []byte
	b = str(b, "sandogh-v1/ranked-lot")
	b = append(b, l.baseHash[:]...)
	b = bytesField(b, l.seed)
	b = u32(b, l.contest)
	b = u32(b, uint32(c))
	h := sha512.Sum512(b)
	return h[:]
}

// smallest returns the candidate of cands with the smallest lot key.
func (l *rkLot) smallest(cands []int) int {
	best := cands[0]
	for _, c := range cands[1:] {
		if bytes.Compare(l.key(c), l.key(best)) < 0 {
			best = c
		}
	}
	return best
}

type rkTie struct {
	decides    string
	candidates []int
	by         string
	stage      int
	chosen     int
	// narrowed: the look-back kept fewer than all the tied candidates
	// before the lot or the stop (not published; counts what the tests
	// exercised).
	narrowed bool
}

type rkStage struct {
	number          int
	kind            string
	candidate       int
	ties            []rkTie
	transfers       []int64
	nonTransferable int64
	lost            int64
	votes           []int64
	elected         []int
	lastVacancies   []int
}

type rkCount struct {
	method     string
	n, ranks   int
	seats      int
	valid      int
	invalid    int
	quota      int64
	stages     []rkStage
	elected    []int
	unresolved *rkTie
}

// rkPaper is a group of identical valid rankings: they take the same path.
type rkPaper struct {
	ranking []int
	mult    int64
	value   int64 // per paper
	pos     int   // index in ranking of the current candidate
}

const (
	rkContinuing = iota
	rkElected
	rkExcluded
)

// rkCounter holds the state of an STV or IRV count.
type rkCounter struct {
	k      *rkCount
	lot    *rkLot
	state  []int
	votes  []int64
	papers [][]*rkPaper // by current candidate
	// pending lists the elected candidates whose surplus is not yet
	// transferred.
	pending []int
}

func rkGroup(n, maxRanks int, rows [][]int) (groups []*rkPaper, valid, invalid int) {
	idx := map[string]*rkPaper{}
	for _, r := range rows {
		if rkValidate(n, maxRanks, r) != "" {
			invalid++
			continue
		}
		valid++
		key := fmt.Sprint(r)
		if p := idx[key]; p != nil {
			p.mult++
			continue
		}
		p := &rkPaper{ranking: r, mult: 1, value: rkUnit}
		idx[key] = p
		groups = append(groups, p)
	}
	return groups, valid, invalid
}

func (c *rkCounter) continuing() []int {
	var out []int
	for i, s := range c.state {
		if s == rkContinuing {
			out = append(out, i)
		}
	}
	return out
}

// next moves paper p to its next available preference after its position
// and returns that candidate, or -1 without one.
func (c *rkCounter) next(p *rkPaper) int {
	for p.pos++; p.pos < len(p.ranking); p.pos++ {
		if d := p.ranking[p.pos]; c.state[d] == rkContinuing {
			return d
		}
	}
	return -1
}

func (c *rkCounter) newStage(kind string, cand int) *rkStage {
	n := len(c.state)
	c.k.stages = append(c.k.stages, rkStage{
		number: len(c.k.stages) + 1, kind: kind, candidate: cand,
		ties: []rkTie{}, transfers: make([]int64, n),
		elected: []int{}, lastVacancies: []int{},
	})
	return &c.k.stages[len(c.k.stages)-1]
}

func (c *rkCounter) finishStage(st *rkStage) {
	for i := range c.votes {
		c.votes[i] += st.transfers[i]
	}
	st.votes = slices.Clone(c.votes)
}

// byVotes sorts candidates most votes first, then ascending index.
func (c *rkCounter) byVotes(cands []int) {
	sort.SliceStable(cands, func(a, b int) bool {
		va, vb := c.votes[cands[a]], c.votes[cands[b]]
		if va != vb {
			return va > vb
		}
		return cands[a] < cands[b]
	})
}

// breakTie is step 7: tied is ascending; most says whether the most votes
// are wanted (surplus) or the fewest (exclusion). The current stage is the
// one about to be made, so the look-back starts at the last stage made.
func (c *rkCounter) breakTie(decides string, tied []int, most bool) rkTie {
	t := rkTie{decides: decides, candidates: slices.Clone(tied)}
	remain := slices.Clone(tied)
	for s := len(c.k.stages); s >= 1; s-- {
		v := c.k.stages[s-1].votes
		best := v[remain[0]]
		for _, x := range remain {
			if most && v[x] > best || !most && v[x] < best {
				best = v[x]
			}
		}
		var keep []int
		for _, x := range remain {
			if v[x] == best {
				keep = append(keep, x)
			}
		}
		if len(keep) == len(remain) {
			continue
		}
		remain, t.narrowed = keep, true
		if len(remain) == 1 {
			t.by, t.stage, t.chosen = "earlier stage", s, remain[0]
			return t
		}
	}
	if c.lot == nil {
		t.by, t.chosen = "unresolved", -1
		return t
	}
	t.by, t.chosen = "lot", c.lot.smallest(remain)
	return t
}

// rkSTV counts by the Scottish rules.
func rkSTV(n, maxRanks, seats int, rows [][]int, lot *rkLot) *rkCount {
	groups, valid, invalid := rkGroup(n, maxRanks, rows)
	k := &rkCount{method: "scottish-stv", n: n, ranks: maxRanks, seats: seats, valid: valid, invalid: invalid, elected: []int{}}
	k.quota = (int64(valid)/int64(seats+1) + 1) * rkUnit
	c := &rkCounter{k: k, lot: lot, state: make([]int, n), votes: make([]int64, n), papers: make([][]*rkPaper, n)}
	st := c.newStage("first", -1)
	for _, p := range groups {
		d := p.ranking[0]
		c.papers[d] = append(c.papers[d], p)
		st.transfers[d] += p.mult * p.value
	}
	c.finishStage(st)
	for {
		// Steps 3 and 4 at the end of the stage.
		st = &k.stages[len(k.stages)-1]
		var el []int
		for _, x := range c.continuing() {
			if c.votes[x] >= k.quota {
				el = append(el, x)
			}
		}
		c.byVotes(el)
		for _, x := range el {
			c.state[x] = rkElected
			st.elected = append(st.elected, x)
			k.elected = append(k.elected, x)
			if c.votes[x] > k.quota {
				c.pending = append(c.pending, x)
			}
		}
		if len(k.elected) == seats {
			return k
		}
		if cont := c.continuing(); len(cont) <= seats-len(k.elected) {
			c.byVotes(cont)
			for _, x := range cont {
				c.state[x] = rkElected
				st.lastVacancies = append(st.lastVacancies, x)
				k.elected = append(k.elected, x)
			}
			return k
		}
		if len(c.pending) > 0 {
			// Step 5: the highest surplus.
			best := int64(-1)
			var tied []int
			for _, x := range c.pending {
				s := c.votes[x] - k.quota
				if s > best {
					best, tied = s, []int{x}
				} else if s == best {
					tied = append(tied, x)
				}
			}
			slices.Sort(tied)
			var tie *rkTie
			who := tied[0]
			if len(tied) > 1 {
				t := c.breakTie("surplus", tied, true)
				if t.chosen < 0 {
					k.unresolved = &t
					return k
				}
				tie, who = &t, t.chosen
			}
			c.pending = slices.DeleteFunc(c.pending, func(x int) bool { return x == who })
			st = c.newStage("surplus", who)
			if tie != nil {
				st.ties = append(st.ties, *tie)
			}
			s, total := c.votes[who]-k.quota, c.votes[who]
			var moved int64
			for _, p := range c.papers[who] {
				p.value = rkFloorMulDiv(s, p.value, total)
				d := c.next(p)
				if d < 0 {
					st.nonTransferable += p.mult * p.value
					continue
				}
				c.papers[d] = append(c.papers[d], p)
				st.transfers[d] += p.mult * p.value
				moved += p.mult * p.value
			}
			c.papers[who] = nil
			st.transfers[who] = -s
			st.lost = s - moved - st.nonTransferable
			c.finishStage(st)
			continue
		}
		// Step 6: the fewest votes.
		cont := c.continuing()
		low := c.votes[cont[0]]
		for _, x := range cont {
			low = min(low, c.votes[x])
		}
		var tied []int
		for _, x := range cont {
			if c.votes[x] == low {
				tied = append(tied, x)
			}
		}
		var tie *rkTie
		who := tied[0]
		if len(tied) > 1 {
			t := c.breakTie("exclusion", tied, false)
			if t.chosen < 0 {
				k.unresolved = &t
				return k
			}
			tie, who = &t, t.chosen
		}
		st = c.newStage("exclusion", who)
		if tie != nil {
			st.ties = append(st.ties, *tie)
		}
		c.state[who] = rkExcluded
		if len(c.continuing()) > seats-len(k.elected) {
			c.moveAll(st, who)
		}
		c.finishStage(st)
	}
}

// moveAll sends every paper of an excluded candidate at its value to its
// next available preference.
func (c *rkCounter) moveAll(st *rkStage, who int) {
	for _, p := range c.papers[who] {
		d := c.next(p)
		if d < 0 {
			st.nonTransferable += p.mult * p.value
			continue
		}
		c.papers[d] = append(c.papers[d], p)
		st.transfers[d] += p.mult * p.value
	}
	c.papers[who] = nil
	st.transfers[who] = -c.votes[who]
}

// rkFloorMulDiv is floor(s·v / t) for non-negative operands, exactly.
func rkFloorMulDiv(s, v, t int64) int64 {
	var x big.Int
	x.Mul(big.NewInt(s), big.NewInt(v))
	x.Quo(&x, big.NewInt(t))
	return x.Int64()
}

// rkIRV counts by instant-runoff for one seat.
func rkIRV(n, maxRanks int, rows [][]int, lot *rkLot) *rkCount {
	groups, valid, invalid := rkGroup(n, maxRanks, rows)
	k := &rkCount{method: "irv", n: n, ranks: maxRanks, seats: 1, valid: valid, invalid: invalid, elected: []int{}}
	c := &rkCounter{k: k, lot: lot, state: make([]int, n), votes: make([]int64, n), papers: make([][]*rkPaper, n)}
	st := c.newStage("first", -1)
	for _, p := range groups {
		d := p.ranking[0]
		c.papers[d] = append(c.papers[d], p)
		st.transfers[d] += p.mult * p.value
	}
	c.finishStage(st)
	for {
		st = &k.stages[len(k.stages)-1]
		cont := c.continuing()
		var sum int64
		for _, x := range cont {
			sum += c.votes[x]
		}
		for _, x := range cont {
			if len(cont) == 1 || 2*c.votes[x] > sum {
				st.elected = append(st.elected, x)
				k.elected = append(k.elected, x)
				return k
			}
		}
		low := c.votes[cont[0]]
		for _, x := range cont {
			low = min(low, c.votes[x])
		}
		var tied []int
		for _, x := range cont {
			if c.votes[x] == low {
				tied = append(tied, x)
			}
		}
		var tie *rkTie
		who := tied[0]
		if len(tied) > 1 {
			t := c.breakTie("exclusion", tied, false)
			if t.chosen < 0 {
				k.unresolved = &t
				return k
			}
			tie, who = &t, t.chosen
		}
		st = c.newStage("exclusion", who)
		if tie != nil {
			st.ties = append(st.ties, *tie)
		}
		c.state[who] = rkExcluded
		c.moveAll(st, who)
		c.finishStage(st)
	}
}

// JSON forms, written member by member in the order of §JSON forms.

func rkInts(b *bytes.Buffer, xs []int) {
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(x))
	}
	b.WriteByte(']')
}

func rkValues(b *bytes.Buffer, xs []int64) {
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "%q", rkValue(x))
	}
	b.WriteByte(']')
}

func rkTieJSON(b *bytes.Buffer, t rkTie) {
	fmt.Fprintf(b, `{"decides":%q,"candidates":`, t.decides)
	rkInts(b, t.candidates)
	fmt.Fprintf(b, `,"by":%q,"stage":%d,"chosen":%d}`, t.by, t.stage, t.chosen)
}

func (k *rkCount) json() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"method":%q,"candidates":%d,"maxRanks":%d,"seats":%d,"valid":%d,"invalid":%d,"quota":%q,"stages":[`,
		k.method, k.n, k.ranks, k.seats, k.valid, k.invalid, rkValue(k.quota))
	for i, st := range k.stages {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"number":%d,"kind":%q,"candidate":%d,"ties":[`, st.number, st.kind, st.candidate)
		for j, t := range st.ties {
			if j > 0 {
				b.WriteByte(',')
			}
			rkTieJSON(&b, t)
		}
		b.WriteString(`],"transfers":`)
		rkValues(&b, st.transfers)
		fmt.Fprintf(&b, `,"nonTransferable":%q,"lost":%q,"votes":`, rkValue(st.nonTransferable), rkValue(st.lost))
		rkValues(&b, st.votes)
		b.WriteString(`,"elected":`)
		rkInts(&b, st.elected)
		b.WriteString(`,"lastVacancies":`)
		rkInts(&b, st.lastVacancies)
		b.WriteByte('}')
	}
	b.WriteString(`],"elected":`)
	rkInts(&b, k.elected)
	if k.unresolved != nil {
		b.WriteString(`,"unresolved":`)
		rkTieJSON(&b, *k.unresolved)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// rkSchulzeResult is a Schulze count (winning votes).
type rkSchulzeResult struct {
	n, ranks, valid, invalid int
	d, p                     [][]int64
	tiers                    [][]int
	order                    []int
}

func rkSchulze(n, maxRanks int, rows [][]int, lot *rkLot) *rkSchulzeResult {
	r := &rkSchulzeResult{n: n, ranks: maxRanks, order: []int{}}
	r.d, r.p = make([][]int64, n), make([][]int64, n)
	for i := range n {
		r.d[i], r.p[i] = make([]int64, n), make([]int64, n)
	}
	for _, row := range rows {
		if rkValidate(n, maxRanks, row) != "" {
			r.invalid++
			continue
		}
		r.valid++
		ranked := make([]bool, n)
		for _, i := range row {
			// i is above every candidate not yet seen: those after it and
			// the unranked ones.
			ranked[i] = true
			for j := range n {
				if !ranked[j] {
					r.d[i][j]++
				}
			}
		}
	}
	for i := range n {
		for j := range n {
			if i != j && r.d[i][j] > r.d[j][i] {
				r.p[i][j] = r.d[i][j]
			}
		}
	}
	for i := range n {
		for j := range n {
			if j == i {
				continue
			}
			for k := range n {
				if k != i && k != j {
					r.p[j][k] = max(r.p[j][k], min(r.p[j][i], r.p[i][k]))
				}
			}
		}
	}
	left := make([]bool, n)
	for remaining := n; remaining > 0; {
		var tier []int
		for j := range n {
			if left[j] {
				continue
			}
			beaten := false
			for i := range n {
				if !left[i] && i != j && r.p[i][j] > r.p[j][i] {
					beaten = true
					break
				}
			}
			if !beaten {
				tier = append(tier, j)
			}
		}
		if len(tier) == 0 {
			// "Better" is transitive (Schulze 2011, §4.1), so a non-empty
			// remainder always has an unbeaten candidate; this only guards
			// the loop.
			return nil
		}
		for _, j := range tier {
			left[j] = true
		}
		remaining -= len(tier)
		r.tiers = append(r.tiers, tier)
		if lot != nil {
			o := slices.Clone(tier)
			sort.SliceStable(o, func(a, b int) bool { return bytes.Compare(lot.key(o[a]), lot.key(o[b])) < 0 })
			r.order = append(r.order, o...)
		}
	}
	return r
}

func (r *rkSchulzeResult) json() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"method":"schulze","candidates":%d,"maxRanks":%d,"valid":%d,"invalid":%d,"d":`, r.n, r.ranks, r.valid, r.invalid)
	mat := func(m [][]int64) {
		b.WriteByte('[')
		for i, row := range m {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			for j, x := range row {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatInt(x, 10))
			}
			b.WriteByte(']')
		}
		b.WriteByte(']')
	}
	mat(r.d)
	b.WriteString(`,"p":`)
	mat(r.p)
	b.WriteString(`,"tiers":[`)
	for i, t := range r.tiers {
		if i > 0 {
			b.WriteByte(',')
		}
		rkInts(&b, t)
	}
	b.WriteString(`],"order":`)
	rkInts(&b, r.order)
	b.WriteByte('}')
	return b.Bytes()
}

// rkReadBLT reads an election in the BLT format described in
// tally/ranked/testdata/scotland/README.md: "candidates seats", ballot lines
// "weight c1 c2 … 0" (1-based), a line "0". Each ballot line gives weight
// rows, 0-based.
func rkReadBLT(t *testing.T, path string) (n, seats int, rows [][]int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	if !s.Scan() {
		t.Fatalf("%s: no header", path)
	}
	if _, err := fmt.Sscan(s.Text(), &n, &seats); err != nil {
		t.Fatalf("%s: header %q", path, s.Text())
	}
	for s.Scan() {
		f := strings.Fields(s.Text())
		if len(f) == 1 && f[0] == "0" {
			return n, seats, rows
		}
		var nums []int
		for _, x := range f {
			v, err := strconv.Atoi(x)
			if err != nil || v < 0 {
				t.Fatalf("%s: ballot line %q", path, s.Text())
			}
			nums = append(nums, v)
		}
		if len(nums) < 2 || nums[len(nums)-1] != 0 {
			t.Fatalf("%s: ballot line %q", path, s.Text())
		}
		r := make([]int, 0, len(nums)-2)
		for _, x := range nums[1 : len(nums)-1] {
			r = append(r, x-1)
		}
		for range nums[0] {
			rows = append(rows, r)
		}
	}
	t.Fatalf("%s: no end of ballots", path)
	return
}

type rkDroopStage struct {
	kind  string
	cand  int
	votes []int64
	nt    int64
}

type rkDroopWard struct {
	name     string
	n, seats int
	stages   []rkDroopStage
	elected  []int
}

// rkReadDroop reads tally/ranked/testdata/scotland/droop-reference.txt in
// the form its README describes.
func rkReadDroop(t *testing.T, path string) []rkDroopWard {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var wards []rkDroopWard
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		bad := func() { t.Fatalf("%s:%d: %q", path, i+1, line) }
		if len(f) < 2 || f[0] != "ward" && len(wards) == 0 {
			bad()
		}
		var w *rkDroopWard
		if len(wards) > 0 {
			w = &wards[len(wards)-1]
		}
		switch f[0] {
		case "ward":
			var x rkDroopWard
			if len(f) != 6 {
				bad()
			}
			x.name = f[1]
			x.n, _ = strconv.Atoi(f[3])
			x.seats, _ = strconv.Atoi(f[5])
			wards = append(wards, x)
		case "stage":
			c, err := strconv.Atoi(f[3])
			if err != nil || len(w.stages)+1 != mustAtoi(t, f[1]) {
				bad()
			}
			w.stages = append(w.stages, rkDroopStage{kind: f[2], cand: c})
		case "votes", "nt":
			st := &w.stages[len(w.stages)-1]
			for _, x := range f[1:] {
				v, err := rkParseValue(x)
				if err != nil {
					bad()
				}
				if f[0] == "nt" {
					st.nt = v
				} else {
					st.votes = append(st.votes, v)
				}
			}
		case "elected":
			for _, x := range f[1:] {
				w.elected = append(w.elected, mustAtoi(t, x))
			}
		default:
			bad()
		}
	}
	return wards
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

// TestRankedScottishDroop counts the 21 Glasgow 2007 wards and Droop's two
// tie elections by this file's Scottish STV and compares every stage with
// Droop's reference counts, under the three differences of form that
// tally/ranked/testdata/scotland/README.md lists (zero surpluses dropped,
// no transfer under rule 52(2), last elected compared as a set).
func TestRankedScottishDroop(t *testing.T) {
	const dir = "../../tally/ranked/testdata/scotland/"
	wards := rkReadDroop(t, dir+"droop-reference.txt")
	if len(wards) != 23 {
		t.Fatalf("%d reference counts, want 21 wards and 2 tie elections", len(wards))
	}
	for _, w := range wards {
		n, seats, rows := rkReadBLT(t, dir+w.name+".blt")
		if n != w.n || seats != w.seats {
			t.Fatalf("%s: %d candidates %d seats, reference %d %d", w.name, n, seats, w.n, w.seats)
		}
		var lot *rkLot
		if w.name == "weak-surplus" {
			// E and F have 3 votes at every stage: rule 51(2)(b), lot.
			// Without a lot the count stops after stage 2 (A's surplus)
			// with A, B, C elected.
			k := rkSTV(n, n, seats, rows, nil)
			u := k.unresolved
			if u == nil || u.decides != "exclusion" || !slices.Equal(u.candidates, []int{4, 5}) || len(k.stages) != 2 || !slices.Equal(k.elected, []int{0, 1, 2}) {
				t.Errorf("weak-surplus without a lot: %s", k.json())
			}
			// Droop's lot fell on E: draw seeds until ours does too.
			lot = &rkLot{contest: 1}
			for s := 0; ; s++ {
				lot.seed = []byte(fmt.Sprint("seed ", s))
				if lot.smallest([]int{4, 5}) == 4 {
					break
				}
			}
		}
		k := rkSTV(n, n, seats, rows, lot)
		if k.unresolved != nil {
			t.Errorf("%s: unresolved tie %+v", w.name, *k.unresolved)
			continue
		}
		if err := rkInvariants(k); err != nil {
			t.Errorf("%s: %v", w.name, err)
		}
		// Droop's stages without its zero surpluses, which must move nothing.
		var ref []rkDroopStage
		for i, st := range w.stages {
			if i > 0 && st.kind == "surplus" && slices.Equal(st.votes, w.stages[i-1].votes) && st.nt == w.stages[i-1].nt {
				continue
			}
			ref = append(ref, st)
		}
		if len(ref) != len(k.stages) {
			t.Errorf("%s: %d stages, reference %d", w.name, len(k.stages), len(ref))
			continue
		}
		var nt int64
		for i, st := range k.stages {
			r := ref[i]
			nt += st.nonTransferable // Droop's nt leaves the remainders ignored apart
			if st.kind != r.kind || st.candidate != r.cand {
				t.Errorf("%s: stage %d: %s %d, reference %s %d", w.name, i+1, st.kind, st.candidate, r.kind, r.cand)
				break
			}
			want, wantNT := r.votes, r.nt
			if i == len(k.stages)-1 && st.kind == "exclusion" && len(st.lastVacancies) > 0 {
				// Rule 52(2): no transfer; the votes are those of the stage before.
				want, wantNT = ref[i-1].votes, ref[i-1].nt
			}
			if !slices.Equal(st.votes, want) || nt != wantNT {
				t.Errorf("%s: stage %d: votes %v nt %v, reference %v nt %v", w.name, i+1, st.votes, nt, want, wantNT)
				break
			}
		}
		if !slices.Equal(sortedCopy(k.elected), sortedCopy(w.elected)) {
			t.Errorf("%s: elected %v, reference %v", w.name, k.elected, w.elected)
		}
		if len(k.elected) != seats {
			t.Errorf("%s: %d elected, %d seats", w.name, len(k.elected), seats)
		}
	}
}

// rkInvariants checks the sums that §JSON forms states of every count: in
// every stage after the first, transfers, nonTransferable and lost add up
// to 0; votes = previous votes + transfers; the votes plus all
// nonTransferable and lost so far are V × 100000.
func rkInvariants(k *rkCount) error {
	var out, prev []int64
	prev = make([]int64, k.n)
	for _, st := range k.stages {
		sum := st.nonTransferable + st.lost
		for c := range k.n {
			sum += st.transfers[c]
			if st.votes[c] != prev[c]+st.transfers[c] {
				return fmt.Errorf("stage %d: votes[%d] %d, previous %d + transfer %d", st.number, c, st.votes[c], prev[c], st.transfers[c])
			}
		}
		if st.number > 1 && sum != 0 {
			return fmt.Errorf("stage %d: transfers, nonTransferable and lost add up to %d", st.number, sum)
		}
		out = append(out, st.nonTransferable+st.lost)
		prev = st.votes
	}
	total := int64(0)
	for _, x := range append(out, prev...) {
		total += x
	}
	if total != int64(k.valid)*rkUnit {
		return fmt.Errorf("votes, nonTransferable and lost add up to %d, want %d", total, int64(k.valid)*rkUnit)
	}
	return nil
}

func sortedCopy(xs []int) []int { y := slices.Clone(xs); slices.Sort(y); return y }

// rkLetters turns ballot lines "weight LETTERS" into rows, each letter the
// index of that letter in names.
func rkLetters(t *testing.T, names string, lines []string) [][]int {
	t.Helper()
	var rows [][]int
	for _, l := range lines {
		w, letters, ok := strings.Cut(l, " ")
		if !ok {
			t.Fatalf("ballot %q", l)
		}
		var r []int
		for _, c := range letters {
			i := strings.IndexRune(names, c)
			if i < 0 {
				t.Fatalf("ballot %q: candidate %c", l, c)
			}
			r = append(r, i)
		}
		for range mustAtoi(t, w) {
			rows = append(rows, r)
		}
	}
	return rows
}

// TestRankedCountJSONGolden writes, from this file's counts, the bytes of
// tally/ranked/testdata/count-json.golden: the Tennessee example by
// instant-runoff (Wikipedia "Instant-runoff voting") and Droop's
// weak-defeat election by the Scottish rules.
func TestRankedCountJSONGolden(t *testing.T) {
	want, err := os.ReadFile("../../tally/ranked/testdata/count-json.golden")
	if err != nil {
		t.Fatal(err)
	}
	irv := rkIRV(4, 4, rkLetters(t, "MNCK", []string{"42 MNCK", "26 NCKM", "15 CKNM", "17 KCNM"}), nil)
	if !slices.Equal(irv.elected, []int{3}) { // Knoxville
		t.Errorf("Tennessee: elected %v, want Knoxville", irv.elected)
	}
	n, seats, rows := rkReadBLT(t, "../../tally/ranked/testdata/scotland/weak-defeat.blt")
	stv := rkSTV(n, n, seats, rows, nil)
	got := append(append(append(irv.json(), '\n'), stv.json()...), '\n')
	if !bytes.Equal(got, want) {
		t.Fatalf("JSON:\n%s\nwant\n%s", got, want)
	}
	for _, line := range bytes.Split(bytes.TrimSpace(got), []byte("\n")) {
		if !json.Valid(line) {
			t.Errorf("not JSON: %s", line)
		}
	}
}

// TestRankedSchulzeVectors recomputes tally/ranked/testdata/schulze.json:
// Schulze 2011's 45-voter example with its d and p, the 30-voter example of
// the Schwartz-set heuristic (winner C), and a tie of winners.
func TestRankedSchulzeVectors(t *testing.T) {
	var vs []struct {
		Name       string    `json:"name"`
		Candidates string    `json:"candidates"`
		Ballots    []string  `json:"ballots"`
		D          [][]int64 `json:"d"`
		P          [][]int64 `json:"p"`
		Tiers      []string  `json:"tiers"`
		Winners    string    `json:"winners"`
	}
	readJSON(t, "../../tally/ranked/testdata/schulze.json", &vs)
	if len(vs) != 3 {
		t.Fatalf("%d vectors", len(vs))
	}
	for _, v := range vs {
		n := len(v.Candidates)
		r := rkSchulze(n, n, rkLetters(t, v.Candidates, v.Ballots), nil)
		if !slices.EqualFunc(r.d, v.D, slices.Equal) {
			t.Errorf("%s: d %v, want %v", v.Name, r.d, v.D)
		}
		if v.P != nil && !slices.EqualFunc(r.p, v.P, slices.Equal) {
			t.Errorf("%s: p %v, want %v", v.Name, r.p, v.P)
		}
		var tiers []string
		for _, tier := range r.tiers {
			var s []byte
			for _, c := range tier {
				s = append(s, v.Candidates[c])
			}
			tiers = append(tiers, string(s))
		}
		if v.Tiers != nil && !slices.Equal(tiers, v.Tiers) {
			t.Errorf("%s: tiers %v, want %v", v.Name, tiers, v.Tiers)
		}
		if v.Winners != "" && tiers[0] != v.Winners {
			t.Errorf("%s: winners %s, want %s", v.Name, tiers[0], v.Winners)
		}
		if v.Name == "schulze2011-45-voters" {
			// The spec's example of the JSON form (§JSON forms) is this one.
			j := string(r.json())
			if !strings.HasPrefix(j, `{"method":"schulze","candidates":5,"maxRanks":5,"valid":45,"invalid":0,"d":[[0,20,26,30,22],`) ||
				!strings.Contains(j, `],"p":[[0,28,28,30,24],`) || !strings.HasSuffix(j, `]],"tiers":[[4],[0],[2],[1],[3]],"order":[]}`) {
				t.Errorf("%s: JSON %s differs from the spec's example", v.Name, j)
			}
		}
		if v.Tiers == nil && v.Winners == "" || v.D == nil {
			t.Errorf("%s: nothing to compare", v.Name)
		}
	}
}

// rkRandomElection draws a small election: few candidates, rows from a
// small pool (so that equal votes, and so ties, are frequent), some of them
// invalid.
func rkRandomElection(rng *rand.Rand) (n, maxRanks, seats int, rows [][]int) {
	n = 2 + rng.IntN(7)
	maxRanks = 1 + rng.IntN(n)
	seats = 1 + rng.IntN(n-1)
	pool := make([][]int, 1+rng.IntN(12))
	for i := range pool {
		pool[i] = rng.Perm(n)[:1+rng.IntN(maxRanks)]
		if rng.IntN(12) == 0 { // invalid: repeated, unknown, empty or too long
			switch rng.IntN(4) {
			case 0:
				pool[i] = append(pool[i], pool[i][0])
			case 1:
				pool[i] = append(pool[i], n+rng.IntN(2)-3*rng.IntN(2))
			case 2:
				pool[i] = []int{}
			default:
				pool[i] = rng.Perm(n)
			}
		}
	}
	for range 1 + rng.IntN(60) {
		rows = append(rows, pool[rng.IntN(len(pool))])
	}
	return n, maxRanks, seats, rows
}

func rkRandomLot(rng *rand.Rand) (*rkLot, *ranked.Lot) {
	if rng.IntN(2) == 0 {
		return nil, nil
	}
	var l rkLot
	for i := range l.baseHash {
		l.baseHash[i] = byte(rng.IntN(256))
	}
	l.seed = make([]byte, 1+rng.IntN(64))
	for i := range l.seed {
		l.seed[i] = byte(rng.IntN(256))
	}
	l.contest = rng.Uint32()
	return &l, &ranked.Lot{BaseHash: l.baseHash, Seed: slices.Clone(l.seed), Contest: l.contest}
}

func rkRows(rows [][]int) []ranked.Ranking {
	out := make([]ranked.Ranking, len(rows))
	for i, r := range rows {
		out[i] = ranked.Ranking(slices.Clone(r))
	}
	return out
}

// TestRankedDifferential counts random small elections by this file's
// implementations and by package tally/ranked and wants the same JSON bytes.
func TestRankedDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(2007, 42))
	var stvN, irvN, schN, ties, lots, unresolved int
	kinds := map[string]int{}
	for i := range 3000 {
		n, maxRanks, seats, rows := rkRandomElection(rng)
		lot, rlot := rkRandomLot(rng)
		c := ranked.Contest{Candidates: n, MaxRanks: maxRanks, Seats: seats}
		valid := 0
		for _, r := range rows {
			if rkValidate(n, maxRanks, r) == "" {
				valid++
			}
		}
		desc := fmt.Sprintf("election %d: n=%d N=%d k=%d lot=%v rows=%v", i, n, maxRanks, seats, lot != nil, rows)
		mine := rkSTV(n, maxRanks, seats, rows, lot)
		theirs, err := ranked.CountSTV(c, rkRows(rows), rlot)
		switch {
		case err != nil:
			t.Errorf("%s: STV: %v", desc, err)
		default:
			stvN++
			if b, _ := json.Marshal(theirs); !bytes.Equal(b, mine.json()) {
				t.Fatalf("%s: STV\n got %s\nwant %s", desc, b, mine.json())
			}
			for _, st := range mine.stages {
				ties += len(st.ties)
				for _, x := range st.ties {
					kinds[fmt.Sprint(x.decides, "/", x.by, "/narrowed=", x.narrowed)]++
					if x.by == "lot" {
						lots++
					}
				}
			}
			if mine.unresolved != nil {
				unresolved++
				kinds[fmt.Sprint(mine.unresolved.decides, "/unresolved/narrowed=", mine.unresolved.narrowed)]++
			}
			if err := rkInvariants(mine); err != nil {
				t.Errorf("%s: STV: %v", desc, err)
			}
		}
		// The spec asks STV for a valid row, not instant-runoff: with none
		// its first stage is all zeros and the exclusions are ties.
		{
			mi := rkIRV(n, maxRanks, rows, lot)
			th, err := ranked.CountIRV(c, rkRows(rows), rlot)
			if err != nil {
				t.Errorf("%s: IRV: %v", desc, err)
			} else if b, _ := json.Marshal(th); !bytes.Equal(b, mi.json()) {
				t.Fatalf("%s: IRV\n got %s\nwant %s", desc, b, mi.json())
			}
			if err := rkInvariants(mi); err != nil {
				t.Errorf("%s: IRV: %v", desc, err)
			}
			irvN++
		}
		ms := rkSchulze(n, maxRanks, rows, lot)
		ts, err := ranked.Schulze(c, rkRows(rows), rlot)
		if err != nil {
			t.Errorf("%s: Schulze: %v", desc, err)
		} else if b, _ := json.Marshal(ts); !bytes.Equal(b, ms.json()) {
			t.Fatalf("%s: Schulze\n got %s\nwant %s", desc, b, ms.json())
		}
		schN++
	}
	t.Logf("%d STV counts (%d ties, %d by lot, %d unresolved), %d IRV, %d Schulze; STV ties %v", stvN, ties, lots, unresolved, irvN, schN, kinds)
	for _, kind := range []string{"surplus/earlier stage", "exclusion/earlier stage", "surplus/lot", "exclusion/lot", "surplus/unresolved", "exclusion/unresolved"} {
		if kinds[kind+"/narrowed=true"]+kinds[kind+"/narrowed=false"] == 0 {
			t.Errorf("the draw made no tie %s", kind)
		}
	}
}

// TestRankedValidation compares this file's validation of rows with
// package tally/ranked's on random rows and slot rows.
func TestRankedValidation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := 1 + rng.IntN(5)
		maxRanks := 1 + rng.IntN(n)
		c := ranked.Contest{Candidates: n, MaxRanks: maxRanks, Seats: 1}
		row := make([]int, rng.IntN(n+2))
		for i := range row {
			row[i] = rng.IntN(n+3) - 2 // -2..n: -1 is the empty slot marker
		}
		reason := func(err error) string {
			if err == nil {
				return ""
			}
			e, ok := err.(*ranked.InvalidRankingError)
			if !ok {
				t.Fatalf("%v: error %T %v", row, err, err)
			}
			return e.Reason
		}
		want := rkValidate(n, maxRanks, row)
		if got := reason(ranked.ValidateRanking(c, ranked.Ranking(row))); got != want {
			t.Fatalf("n=%d N=%d %v: %q, want %q", n, maxRanks, row, got, want)
		}
		wr, wreason := rkFromSlots(n, maxRanks, row, -1)
		gr, err := ranked.RankingFromSlots(c, row, -1)
		if got := reason(err); got != wreason || err == nil && !slices.Equal([]int(gr), wr) {
			t.Fatalf("slots n=%d N=%d %v: %v %q, want %v %q", n, maxRanks, row, gr, got, wr, wreason)
		}
	}
	for _, tc := range []struct {
		row    []int
		reason string
	}{
		{[]int{}, rkEmpty}, {[]int{0, 1, 2, 3}, rkTooMany}, {[]int{0, 9, 0}, rkUnknown},
		// The table's last two checks are made entry by entry (the
		// sentence after the table): entry 1 repeats before entry 2 is
		// unknown.
		{[]int{1, 1, 9}, rkRepeated}, {[]int{9, 1, 1}, rkUnknown}, {[]int{2, 0, 1}, ""},
	} {
		if got := rkValidate(4, 3, tc.row); got != tc.reason {
			t.Errorf("%v: %q, want %q", tc.row, got, tc.reason)
		}
	}
}

func TestRankedValueText(t *testing.T) {
	for _, tc := range []struct {
		v int64
		s string
	}{{0, "0.00000"}, {1300 * rkUnit, "1300.00000"}, {-682 * rkUnit, "-682.00000"}, {13040863, "130.40863"}, {-7, "-0.00007"}} {
		if got := rkValue(tc.v); got != tc.s {
			t.Errorf("%d: %s, want %s", tc.v, got, tc.s)
		}
		if v, err := rkParseValue(tc.s); err != nil || v != tc.v {
			t.Errorf("%s: %d %v", tc.s, v, err)
		}
	}
	for _, s := range []string{"-0.00000", "+1.00000", "01.00000", "1.0000", "1.000000", ".00000", "1"} {
		if _, err := rkParseValue(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

// TestRankedLotAfterLookBack builds a tie that step 7 narrows before the
// lot: A (20 papers, 10 "A B", 10 "A C") is elected with quota 16 and its
// surplus of 4 gives B and C 2 each; B, C and D then have 4 votes, at
// stage 1 B and C had 2 and D 4, so D is out of the tie and the lot falls
// between B and C only, even where D's lot key is the smallest of the
// three. The count is compared with package tally/ranked.
func TestRankedLotAfterLookBack(t *testing.T) {
	rows := rkLetters(t, "ABCDEF", []string{"10 AB", "10 AC", "2 B", "2 C", "4 D", "9 E", "8 F"})
	const n, seats = 6, 2
	c := ranked.Contest{Candidates: n, MaxRanks: n, Seats: seats}
	check := func(lot *rkLot, rlot *ranked.Lot) *rkCount {
		mine := rkSTV(n, n, seats, rows, lot)
		theirs, err := ranked.CountSTV(c, rkRows(rows), rlot)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(theirs); !bytes.Equal(b, mine.json()) {
			t.Fatalf("got %s\nwant %s", b, mine.json())
		}
		return mine
	}
	k := check(nil, nil)
	if k.quota != 16*rkUnit || len(k.stages) != 2 || !slices.Equal(k.stages[1].votes, []int64{16 * rkUnit, 4 * rkUnit, 4 * rkUnit, 4 * rkUnit, 9 * rkUnit, 8 * rkUnit}) {
		t.Fatalf("count %s", k.json())
	}
	if u := k.unresolved; u == nil || !slices.Equal(u.candidates, []int{1, 2, 3}) || u.by != "unresolved" || u.chosen != -1 {
		t.Fatalf("unresolved %+v", k.unresolved)
	}
	found := 0
	for s := 0; s < 200 && found < 4; s++ {
		lot := &rkLot{seed: []byte(fmt.Sprint("seed ", s)), contest: uint32(s)}
		if lot.smallest([]int{1, 2, 3}) != 3 {
			continue
		}
		found++
		k := check(lot, &ranked.Lot{Seed: lot.seed, Contest: lot.contest})
		tie := k.stages[2].ties
		if len(tie) != 1 || tie[0].by != "lot" || tie[0].chosen != lot.smallest([]int{1, 2}) || !slices.Equal(tie[0].candidates, []int{1, 2, 3}) {
			t.Fatalf("seed %d: stage 3 ties %+v", s, tie)
		}
	}
	if found == 0 {
		t.Fatal("no seed puts D's key first")
	}
}

// Meek's method (§"Single transferable vote by Meek's method"): Meeks are
// integers in units of 10^-9.
const rkOne = 1000000000

func rkMeek(v int64) string {
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-v)
	}
	return fmt.Sprintf("%s%d.%09d", sign, u/rkOne, u%rkOne)
}

// rkCeilMulDiv is ceil(a·b / c) for non-negative a, b and positive c,
// computed in 128 bits.
func rkCeilMulDiv(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	lo, carry := bits.Add64(lo, uint64(c-1), 0)
	hi += carry
	if hi >= uint64(c) {
		panic("speccheck: Meek quotient overflows") // not reached with the spec's bounds
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(q)
}

type rkMeekRound struct {
	number, iterations int
	quota              int64
	votes, keepFactors []int64
	surplus, residual  int64
	elected            []int
	excluded           int
	ties               []rkTie
	lastVacancies      []int
}

type rkMeekCount struct {
	n, ranks, seats, valid, invalid int
	rounds                          []rkMeekRound
	elected                         []int
	unresolved                      *rkTie
}

// rkMeekCount counts by Meek's method. choose picks one of several tied
// candidates (ascending) for exclusion and says how, or returns -1.
func rkMeekCountRows(n, maxRanks, seats int, rows [][]int, choose func([]int) (int, string)) *rkMeekCount {
	groups, valid, invalid := rkGroup(n, maxRanks, rows)
	k := &rkMeekCount{n: n, ranks: maxRanks, seats: seats, valid: valid, invalid: invalid, elected: []int{}}
	const omega = 1000
	kf := make([]int64, n)
	state := make([]int, n)
	for i := range kf {
		kf[i] = rkOne
	}
	hopeful := func() []int {
		var h []int
		for i, s := range state {
			if s == rkContinuing {
				h = append(h, i)
			}
		}
		return h
	}
	for len(hopeful()) > seats-len(k.elected) && len(k.elected) < seats {
		r := rkMeekRound{number: len(k.rounds) + 1, excluded: -1, elected: []int{}, ties: []rkTie{}, lastVacancies: []int{}}
		var prev int64
		for {
			r.iterations++
			r.keepFactors = slices.Clone(kf)
			votes := make([]int64, n)
			for _, p := range groups {
				w := int64(rkOne)
				for _, c := range p.ranking {
					if kf[c] == 0 {
						continue
					}
					x := rkCeilMulDiv(w, kf[c], rkOne)
					votes[c] += p.mult * x
					w -= x
					if w == 0 {
						break
					}
				}
			}
			var sum int64
			for _, v := range votes {
				sum += v
			}
			q := sum/int64(seats+1) + 1
			var el []int
			for _, c := range hopeful() {
				if votes[c] >= q {
					el = append(el, c)
				}
			}
			sort.SliceStable(el, func(a, b int) bool {
				if votes[el[a]] != votes[el[b]] {
					return votes[el[a]] > votes[el[b]]
				}
				return el[a] < el[b]
			})
			for _, c := range el {
				state[c] = rkElected
				r.elected = append(r.elected, c)
				k.elected = append(k.elected, c)
			}
			var s int64
			for c := range n {
				if state[c] == rkElected {
					s += votes[c] - q
				}
			}
			s = max(s, 0)
			r.quota, r.votes, r.surplus, r.residual = q, votes, s, int64(valid)*rkOne-sum
			if len(el) > 0 {
				break
			}
			if s < omega || r.iterations > 1 && s >= prev {
				// B.3: exclusion.
				h := hopeful()
				low := votes[h[0]]
				for _, c := range h {
					low = min(low, votes[c])
				}
				var tied []int
				for _, c := range h {
					if votes[c] <= low+s {
						tied = append(tied, c)
					}
				}
				who := tied[0]
				if len(tied) > 1 {
					var by string
					who, by = choose(tied)
					t := rkTie{decides: "exclusion", candidates: tied, by: by, chosen: who}
					if who < 0 {
						k.rounds = append(k.rounds, r)
						k.unresolved = &t
						return k
					}
					r.ties = append(r.ties, t)
				}
				r.excluded = who
				state[who], kf[who] = rkExcluded, 0
				break
			}
			prev = s
			for c := range n {
				if state[c] == rkElected {
					kf[c] = rkCeilMulDiv(rkCeilMulDiv(kf[c], q, rkOne), rkOne, votes[c])
				}
			}
		}
		k.rounds = append(k.rounds, r)
	}
	if len(k.elected) < seats {
		last := &k.rounds[len(k.rounds)-1]
		for _, c := range hopeful() {
			state[c] = rkElected
			last.lastVacancies = append(last.lastVacancies, c)
			k.elected = append(k.elected, c)
		}
	}
	return k
}

func (k *rkMeekCount) json() []byte {
	var b bytes.Buffer
	meeks := func(xs []int64) {
		b.WriteByte('[')
		for i, x := range xs {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%q", rkMeek(x))
		}
		b.WriteByte(']')
	}
	fmt.Fprintf(&b, `{"method":"meek","candidates":%d,"maxRanks":%d,"seats":%d,"valid":%d,"invalid":%d,"rounds":[`, k.n, k.ranks, k.seats, k.valid, k.invalid)
	for i, r := range k.rounds {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"number":%d,"iterations":%d,"quota":%q,"votes":`, r.number, r.iterations, rkMeek(r.quota))
		meeks(r.votes)
		b.WriteString(`,"keepFactors":`)
		meeks(r.keepFactors)
		fmt.Fprintf(&b, `,"surplus":%q,"residual":%q,"elected":`, rkMeek(r.surplus), rkMeek(r.residual))
		rkInts(&b, r.elected)
		fmt.Fprintf(&b, `,"excluded":%d,"ties":[`, r.excluded)
		for j, t := range r.ties {
			if j > 0 {
				b.WriteByte(',')
			}
			rkTieJSON(&b, t)
		}
		b.WriteString(`],"lastVacancies":`)
		rkInts(&b, r.lastVacancies)
		b.WriteByte('}')
	}
	b.WriteString(`],"elected":`)
	rkInts(&b, k.elected)
	if k.unresolved != nil {
		b.WriteString(`,"unresolved":`)
		rkTieJSON(&b, *k.unresolved)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func rkMeekChooser(lot *rkLot) func([]int) (int, string) {
	return func(tied []int) (int, string) {
		if lot == nil {
			return -1, "unresolved"
		}
		return lot.smallest(tied), "lot"
	}
}

// TestRankedMeekDifferential counts random small elections by Meek's
// method here and by package tally/ranked and wants the same JSON bytes.
func TestRankedMeekDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(1987, 123))
	var counted, ties, unresolved int
	for i := range 1500 {
		n, maxRanks, seats, rows := rkRandomElection(rng)
		lot, rlot := rkRandomLot(rng)
		desc := fmt.Sprintf("election %d: n=%d N=%d k=%d lot=%v rows=%v", i, n, maxRanks, seats, lot != nil, rows)
		mine := rkMeekCountRows(n, maxRanks, seats, rows, rkMeekChooser(lot))
		theirs, err := ranked.CountMeek(ranked.Contest{Candidates: n, MaxRanks: maxRanks, Seats: seats}, rkRows(rows), rlot)
		if err != nil {
			if mine.valid > 0 {
				t.Errorf("%s: %v", desc, err)
			}
			continue
		}
		counted++
		if b, _ := json.Marshal(theirs); !bytes.Equal(b, mine.json()) {
			t.Fatalf("%s:\n got %s\nwant %s", desc, b, mine.json())
		}
		for _, r := range mine.rounds {
			ties += len(r.ties)
		}
		if mine.unresolved != nil {
			unresolved++
		}
	}
	t.Logf("%d Meek counts, %d ties by lot, %d unresolved", counted, ties, unresolved)
	if ties == 0 || unresolved == 0 {
		t.Errorf("the draw made too few ties: %d, %d unresolved", ties, unresolved)
	}
}

// rkParseMeek reads a Meek number written with exactly nine decimals.
func rkParseMeek(s string) (int64, error) {
	ip, fp, ok := strings.Cut(s, ".")
	if !ok || len(fp) != 9 || ip == "" || strings.HasPrefix(ip, "-") {
		return 0, fmt.Errorf("meek %q", s)
	}
	i, err1 := strconv.ParseUint(ip, 10, 32)
	f, err2 := strconv.ParseUint(fp, 10, 32)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("meek %q", s)
	}
	return int64(i)*rkOne + int64(f), nil
}

// TestRankedMeekDroop counts Droop's five test elections by this file's
// Meek count and compares every round with Droop's reference counts under
// the PR Foundation rule (tally/ranked/testdata/meek/droop-reference.txt,
// whose README gives the form). Droop breaks ties in the order of the
// candidates, and so does the count here.
func TestRankedMeekDroop(t *testing.T) {
	const dir = "../../tally/ranked/testdata/meek/"
	b, err := os.ReadFile(dir + "droop-reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	type round struct {
		elected            []int
		excluded           int
		quota, residual    int64
		votes, keepFactors []int64
	}
	type election struct {
		name     string
		n, seats int
		rounds   []round
	}
	var refs []election
	meeks := func(fs []string) []int64 {
		var out []int64
		for _, f := range fs {
			v, err := rkParseMeek(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		var e *election
		if len(refs) > 0 {
			e = &refs[len(refs)-1]
		}
		switch {
		case f[0] == "election" && len(f) == 6:
			refs = append(refs, election{name: f[1], n: mustAtoi(t, f[3]), seats: mustAtoi(t, f[5])})
		case f[0] == "round" && len(f) == 6 && e != nil:
			r := round{excluded: mustAtoi(t, f[5])}
			if f[3] != "-" {
				for _, x := range strings.Split(f[3], ",") {
					r.elected = append(r.elected, mustAtoi(t, x))
				}
			}
			e.rounds = append(e.rounds, r)
		case f[0] == "quota" && len(f) == 4 && e != nil:
			x := meeks([]string{f[1], f[3]})
			e.rounds[len(e.rounds)-1].quota, e.rounds[len(e.rounds)-1].residual = x[0], x[1]
		case f[0] == "votes" && e != nil:
			e.rounds[len(e.rounds)-1].votes = meeks(f[1:])
		case f[0] == "kf" && e != nil:
			e.rounds[len(e.rounds)-1].keepFactors = meeks(f[1:])
		default:
			t.Fatalf("reference line %q", line)
		}
	}
	if len(refs) != 5 {
		t.Fatalf("%d reference elections", len(refs))
	}
	byIndex := func(tied []int) (int, string) { return tied[0], "lot" }
	for _, ref := range refs {
		n, seats, rows := rkReadBLT(t, dir+ref.name+".blt")
		if n != ref.n || seats != ref.seats {
			t.Fatalf("%s: %d candidates %d seats", ref.name, n, seats)
		}
		k := rkMeekCountRows(n, n, seats, rows, byIndex)
		if len(k.rounds) != len(ref.rounds) || len(k.elected) != seats || k.unresolved != nil {
			t.Errorf("%s: %d rounds (reference %d), elected %v", ref.name, len(k.rounds), len(ref.rounds), k.elected)
			continue
		}
		for i, r := range ref.rounds {
			g := k.rounds[i]
			el := sortedCopy(append(slices.Clone(g.elected), g.lastVacancies...))
			if !slices.Equal(el, sortedCopy(r.elected)) || g.excluded != r.excluded || g.quota != r.quota || g.residual != r.residual ||
				!slices.Equal(g.votes, r.votes) || !slices.Equal(g.keepFactors, r.keepFactors) {
				t.Errorf("%s: round %d differs from the reference:\n got %+v\nwant %+v", ref.name, i+1, g, r)
				break
			}
		}
	}
}

// TestRankedEdges compares the smallest contests with package tally/ranked
// and checks that it refuses the contests the spec's bounds exclude.
func TestRankedEdges(t *testing.T) {
	one := ranked.Contest{Candidates: 1, MaxRanks: 1}
	rows := [][]int{{0}, {}, {0}, {1}}
	if th, err := ranked.CountIRV(one, rkRows(rows), nil); err != nil {
		t.Errorf("IRV, one candidate: %v", err)
	} else if b, _ := json.Marshal(th); !bytes.Equal(b, rkIRV(1, 1, rows, nil).json()) {
		t.Errorf("IRV, one candidate:\n got %s\nwant %s", b, rkIRV(1, 1, rows, nil).json())
	}
	if th, err := ranked.Schulze(one, rkRows(rows), nil); err != nil {
		t.Errorf("Schulze, one candidate: %v", err)
	} else if b, _ := json.Marshal(th); !bytes.Equal(b, rkSchulze(1, 1, rows, nil).json()) {
		t.Errorf("Schulze, one candidate:\n got %s\nwant %s", b, rkSchulze(1, 1, rows, nil).json())
	}
	good := [][]int{{0, 1}, {1}}
	for _, c := range []ranked.Contest{
		{Candidates: 3, MaxRanks: 3, Seats: 0}, {Candidates: 3, MaxRanks: 3, Seats: 3},
		{Candidates: 3, MaxRanks: 0, Seats: 1}, {Candidates: 3, MaxRanks: 4, Seats: 1},
		{Candidates: 0, MaxRanks: 0, Seats: 1}, {Candidates: 10001, MaxRanks: 1, Seats: 1},
	} {
		if _, err := ranked.CountSTV(c, rkRows(good), nil); err == nil {
			t.Errorf("STV %+v accepted", c)
		}
		if _, err := ranked.CountMeek(c, rkRows(good), nil); err == nil {
			t.Errorf("Meek %+v accepted", c)
		}
	}
	if _, err := ranked.Schulze(ranked.Contest{Candidates: 1001, MaxRanks: 1}, nil, nil); err == nil {
		t.Error("Schulze with 1001 candidates accepted")
	}
	for _, seed := range [][]byte{nil, make([]byte, 65)} {
		if _, err := ranked.CountSTV(ranked.Contest{Candidates: 2, MaxRanks: 2, Seats: 1}, rkRows(good), &ranked.Lot{Seed: seed}); err == nil {
			t.Errorf("a lot with a seed of %d bytes accepted", len(seed))
		}
	}
}
