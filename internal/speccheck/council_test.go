package speccheck

import (
	"bytes"
	"crypto"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/cloudflare/circl/expander"
	r255 "github.com/gtank/ristretto255"
)

// Checks 16–20 of docs/spec.md, "Verification": the mixnet path of a record
// ("The election record", "The mixnet path: mixnet/<i>/"), from the spec alone.

// codesOutcome is what checks 16–19 found for one codes contest: the counts of
// valid rows per candidate (ballot order) and the number of invalid rows, from
// the rows as decrypted by the shares (not from the published lines).
type codesOutcome struct {
	totals     []uint64 // weighted in a weighted election
	unweighted []uint64 // weighted elections only
	invalid    uint64
	// rankings are, for a ranked contest, the rows as rankings, in row
	// order (check 24 counts them).
	rankings [][]int
}

// decodedRowJSON is the tally section's decoded row JSON, members in order.
type decodedRowJSON struct {
	Plaintexts []string  `json:"plaintexts"`
	Codes      *[]uint32 `json:"codes,omitempty"`
	Weight     *uint32   `json:"weight,omitempty"` // weighted elections only
	Invalid    string    `json:"invalid,omitempty"`
	Reason     string    `json:"reason,omitempty"`
}

// codesLayout gives b-bit slots, k slots per element, width w, for a contest.
func codesLayout(mc *contestJSON) (maxCode uint32, w, slots int) {
	maxCode = maxCodeOf(mc)
	bits := 0
	for x := maxCode; x > 0; x >>= 1 {
		bits++
	}
	k := 240 / bits
	w = (rowLimit(mc) + k - 1) / k
	return maxCode, w, w * k
}

// judgeRow decodes a row's plaintexts by "Decoding the rows": the codes (nil
// when the row does not unpack), the verdict ("" for a valid row) and the
// reason text ("Reason texts").
func judgeRow(mc *contestJSON, ms []*r255.Element) ([]uint32, string, string) {
	maxCode, _, slots := codesLayout(mc)
	codes, err := unpackCodes(ms, slots, maxCode)
	if err != nil {
		return nil, "packing", err.Error()
	}
	// The fourth pass: every element is the canonical embedding of its
	// data, the one with the smallest counter that decodes (20-elgamal.md,
	// "Embedding"; 70-tally.md, "Reason texts").
	for e, M := range ms {
		if c, c0 := embeddingCounter(M); c0 < c {
			return nil, "packing", fmt.Sprintf("element %d: counter %d is not canonical: the smaller counter %d also gives an element", e, c, c0)
		}
	}
	verdict, reason := judgeCodes(mc, codes)
	return codes, verdict, reason
}

// embeddingCounter returns M's counter c = ⌊E[0]/64⌋·128 + (E[31] mod 128)
// and the smallest c0 ≤ c for which E with its counter bits set to c0
// decodes (20-elgamal.md, "Embedding").
func embeddingCounter(M *r255.Element) (c, c0 int) {
	E := enc(M)
	c = int(E[0]>>6)<<7 | int(E[31]&0x7f)
	for c0 = 0; c0 < c; c0++ {
		F := append([]byte(nil), E...)
		F[0] = F[0]&0x3f | byte(c0>>7)<<6
		F[31] = byte(c0 & 0x7f)
		if _, err := element(F); err == nil {
			return c, c0
		}
	}
	return c, c
}

// embedWeight is Embed(u32(w)): E[0] = 4·2 with the counter's bits 7–8,
// E[1..4] = u32(w), zeros, E[31] = the counter's bits 0–6, for the smallest
// counter that decodes (20-elgamal.md, "Embedding").
func embedWeight(w uint32) *r255.Element {
	for c := 0; c < 256; c++ {
		E := make([]byte, 32)
		E[0] = 4<<1 | byte(c>>7)<<6
		binary.BigEndian.PutUint32(E[1:], w)
		E[31] = byte(c & 0x7f)
		if M, err := element(E); err == nil {
			return M
		}
	}
	panic("no counter decodes")
}

// weightColumn is the weight column of a counted ballot with confirmation
// code code and weight w in codes contest i (70-tally.md, "Weighted rows"):
// (ρ·G, Embed(u32(w)) + ρ·K), ρ = HashToScalar(h ‖ u32(i) ‖ code, DST).
func weightColumn(baseHash []byte, i uint32, code []byte, w uint32, K []byte) []byte {
	msg := u32(append([]byte(nil), baseHash...), i)
	msg = append(msg, code...)
	rho := scalarWide(expander.NewExpanderMD(crypto.SHA512, []byte("sandogh-v1 weight column")).Expand(msg, 64))
	k, err := element(K)
	if err != nil {
		panic(err)
	}
	B := r255.NewElement().Add(embedWeight(w), mul(rho, k))
	return append(enc(mulG(rho)), enc(B)...)
}

// judgeWeightedRow decodes a weighted election's row ("Weighted rows"):
// the weight column (the last plaintext) first, then the codes of the
// others. It returns the codes, the weight (0 if none), the verdict and
// the reason.
func judgeWeightedRow(mc *contestJSON, maxWeight uint32, ms []*r255.Element) ([]uint32, uint32, string, string) {
	_, w, _ := codesLayout(mc)
	if len(ms) != w+1 {
		return nil, 0, "packing", fmt.Sprintf("%d plaintexts, want %d (%d of codes and the weight column)", len(ms), w+1, w)
	}
	M := ms[w]
	E := enc(M)
	L := int(E[0]>>1) & 31
	if L > 30 {
		return nil, 0, "weight", fmt.Sprintf("weight column: elgamal: extract: length field is %d, more than MaxEmbedSize = 30", L)
	}
	for i := L + 1; i <= 30; i++ {
		if E[i] != 0 {
			return nil, 0, "weight", fmt.Sprintf("weight column: elgamal: extract: padding byte %d (data length %d) is 0x%02x, not zero", i, L, E[i])
		}
	}
	if L != 4 {
		return nil, 0, "weight", fmt.Sprintf("weight column: data is %d bytes, want 4", L)
	}
	x := binary.BigEndian.Uint32(E[1:5])
	if x < 1 || x > maxWeight {
		return nil, 0, "weight", fmt.Sprintf("weight column: weight %d is not in [1, %d]", x, maxWeight)
	}
	if c, c0 := embeddingCounter(M); c0 < c {
		return nil, 0, "weight", fmt.Sprintf("weight column: counter %d is not canonical: the smaller counter %d also gives an element", c, c0)
	}
	codes, verdict, reason := judgeRow(mc, ms[:w])
	return codes, x, verdict, reason
}

// decodedRowLine is the canonical decoded row JSON ("Decoded row JSON") of
// a row's plaintexts: what line r + 1 of decrypted.jsonl must be.
func decodedRowLine(mc *contestJSON, maxWeight uint32, ms []*r255.Element) []byte {
	var codes []uint32
	var weight uint32
	var verdict, reason string
	if maxWeight > 0 {
		codes, weight, verdict, reason = judgeWeightedRow(mc, maxWeight, ms)
	} else {
		codes, verdict, reason = judgeRow(mc, ms)
	}
	row := decodedRowJSON{Invalid: verdict, Reason: reason}
	if weight > 0 {
		row.Weight = &weight
	}
	for _, M := range ms {
		row.Plaintexts = append(row.Plaintexts, hex.EncodeToString(enc(M)))
	}
	if codes != nil {
		row.Codes = &codes
	}
	b, _ := json.Marshal(row)
	return b
}

// judgeCodes applies the rules after unpacking: too many, unknown,
// repeated, not in ascending order. It returns the verdict ("" for a valid row) and its reason
// text, slots numbered from 0 over the row.
func judgeCodes(mc *contestJSON, codes []uint32) (string, string) {
	if len(codes) > rowLimit(mc) {
		return "too-many-codes", fmt.Sprintf("%d codes, more than the limit %d", len(codes), rowLimit(mc))
	}
	known := map[uint32]bool{}
	for _, c := range mc.Candidates {
		known[c.Code] = true
	}
	for _, l := range mc.Lists {
		known[l.Code] = true
	}
	for s, c := range codes {
		if !known[c] && mc.Kind == "list" {
			return "unknown-code", fmt.Sprintf("code %d (slot %d) is no list's or candidate's code", c, s)
		}
		if !known[c] {
			return "unknown-code", fmt.Sprintf("code %d (slot %d) is no candidate's code", c, s)
		}
	}
	first := map[uint32]int{}
	for s, c := range codes {
		if s1, ok := first[c]; ok {
			return "repeated-code", fmt.Sprintf("code %d is in slots %d and %d", c, s1, s)
		}
		first[c] = s
	}
	// In a ranked contest the order is the voter's ranking (70-tally.md,
	// "Decoding the rows"): unsorted-codes does not apply.
	for s := 1; s < len(codes) && mc.Kind != "ranked"; s++ {
		if codes[s] < codes[s-1] {
			return "unsorted-codes", fmt.Sprintf("code %d (slot %d) follows the larger code %d (slot %d)", codes[s], s, codes[s-1], s-1)
		}
	}
	if mc.Kind == "list" {
		return judgeListCodes(mc, codes)
	}
	return "", ""
}

// parseShareListBin decodes u32(j) ‖ u64(m) ‖ m × (D ‖ a1 ‖ a2 ‖ z) into the
// JSON form that verifyShareList takes.
func parseShareListBin(b []byte) (*shareListJSON, error) {
	if len(b) < 12 {
		return nil, fmt.Errorf("truncated header")
	}
	l := &shareListJSON{Trustee: binary.BigEndian.Uint32(b)}
	m := binary.BigEndian.Uint64(b[4:])
	if m > 1<<26 || uint64(len(b)) != 12+128*m {
		return nil, fmt.Errorf("%d bytes for %d shares", len(b), m)
	}
	l.Shares = make([]struct {
		Share string `json:"share"`
		Proof struct {
			Commitment1 string `json:"commitment1"`
			Commitment2 string `json:"commitment2"`
			Response    string `json:"response"`
		} `json:"proof"`
	}, m)
	for i := range l.Shares {
		e := b[12+128*i:]
		s := &l.Shares[i]
		s.Share, s.Proof.Commitment1 = hex.EncodeToString(e[:32]), hex.EncodeToString(e[32:64])
		s.Proof.Commitment2, s.Proof.Response = hex.EncodeToString(e[64:96]), hex.EncodeToString(e[96:128])
	}
	return l, nil
}

// mixnet runs checks 16–19 for every codes contest and keeps the counts for
// check 20 (which tally() compares with results.json).
func (rc *recordCheck) mixnet() {
	e := rc.e
	rc.codes = map[int]*codesOutcome{}
	for i := range e.manifest.Contests {
		mc := &e.manifest.Contests[i]
		if !mixedContest(mc) {
			continue
		}
		rc.mixContest(i, mc)
	}
}

func (rc *recordCheck) mixContest(i int, mc *contestJSON) {
	e := rc.e
	dir := fmt.Sprintf("mixnet/%d", i)
	// Check 16: the input list from the counted ballots, in file order; in
	// a weighted election each row ends with the ballot's weight column
	// (70-tally.md, "Weighted rows").
	maxWeight := e.manifest.MaxWeight
	var rows [][][]byte
	for _, b := range rc.counted {
		row := b.contests[i].cts
		if maxWeight > 0 {
			row = append(slices.Clone(row), weightColumn(e.baseHash, uint32(i), b.code, uint32(rc.weightOf(b)), e.K))
			rc.stats["weight columns made"]++
		}
		rows = append(rows, row)
	}
	// Only the names of the layout; any other is check 15's.
	stageFiles := rc.listNames(dir+"/stages", ".bin", -1)
	shareFiles := rc.listNames(dir+"/shares", ".bin", len(rc.roster.Trustees))
	if len(rows) == 0 {
		if len(stageFiles)+len(shareFiles) > 0 {
			rc.find(16, "%s: stages or shares for a contest without counted ballots", dir)
		}
		if len(rc.read(dir+"/decrypted.jsonl")) != 0 {
			rc.find(19, "%s/decrypted.jsonl: not empty for a contest without counted ballots", dir)
		}
		rc.codes[i] = &codesOutcome{totals: make([]uint64, len(mc.Candidates)), unweighted: make([]uint64, len(mc.Candidates)), rankings: [][]int{}}
		return
	}
	input := newRowList(rows)
	_, w, _ := codesLayout(mc)
	if maxWeight > 0 {
		w++
	}
	if input.w != w {
		rc.find(16, "%s: rows of width %d, the contest's is %d", dir, input.w, w)
		return
	}
	// Check 17: the stages, in index order up to the largest file present.
	last := -1
	for _, t := range stageFiles {
		last = max(last, t)
	}
	posted := make([][]byte, last+1)
	for t := range posted {
		b, err := readRegular(filepath.Join(rc.dir, dir, "stages", strconv.Itoa(t)+".bin"))
		if err == nil {
			posted[t] = b
		}
	}
	// The input list is the cascade's: stage 0 is judged against it like
	// every stage against its current list (a missing stage 0, or one that
	// mixed another list, is a stage rejected by check 17, not a finding
	// of check 16).
	var servers [][]byte
	for _, tr := range rc.roster.Trustees {
		k, _ := strictHex(tr.SigningKey)
		servers = append(servers, k)
	}
	// A missing stage file before the last is a finding of its own, even
	// in a complete cascade (the record keeps every stage posted), and is
	// not named again as a rejected stage.
	for t, b := range posted {
		if b == nil {
			rc.find(17, "%s/stages/%d.bin: missing, and later stages are in the record", dir, t)
		}
	}
	// The cascade of contest i is named by its position and identifier in
	// the manifest (Mixnet, "Encodings"; The election record, "The mixnet
	// path"): a stage signed for another contest's cascade fails check 4.
	verdicts, final, accepted := runCascade(e.baseHash, cascadeID(uint32(i), mc.ID), e.K, servers, input, posted)
	for t, v := range verdicts {
		rc.stats["mix stages judged"]++
		if v.accepted {
			rc.stats["mix stages accepted"]++
		} else if accepted < int(mc.MixStages) && posted[t] != nil {
			rc.find(17, "%s/stages/%d.bin: rejected (%s): %s", dir, t, v.check, v.reason)
		}
	}
	if accepted < int(mc.MixStages) {
		rc.find(17, "%s: %d stages accepted, %d required", dir, accepted, mc.MixStages)
		rc.find(18, "not checked: the cascade of contest %d is incomplete", i)
		return
	}
	rc.stats["rows mixed"] += final.n
	// Check 18: the shares of the final list in row order, their combination.
	if rc.outcome == nil {
		rc.find(18, "not checked: the ceremony failed")
		return
	}
	var cts [][]byte
	for r := 0; r < final.n; r++ {
		for k := 0; k < final.w; k++ {
			cts = append(cts, final.ct(r, k))
		}
	}
	shares := map[uint32][]*r255.Element{}
	for _, j := range shareFiles {
		name := dir + "/shares/" + strconv.Itoa(j) + ".bin"
		l, err := parseShareListBin(rc.read(name))
		if err != nil {
			rc.find(18, "%s: %v", name, err)
			continue
		}
		if int(l.Trustee) != j || int(l.Trustee) > len(rc.outcome.keys) {
			rc.find(18, "%s: trustee %d", name, l.Trustee)
			continue
		}
		ds, err := verifyShareList(l, e.baseHash, rc.outcome.keys[l.Trustee-1], cts)
		if err != nil {
			rc.find(18, "%s: %v", name, err)
			continue
		}
		shares[l.Trustee] = ds
		rc.stats["row share lists verified"]++
	}
	ms, err := combine(shares, rc.roster.Threshold, cts)
	if err != nil {
		rc.find(18, "%s: %v", dir, err)
		return
	}
	// Checks 18 (plaintexts) and 19 (codes, verdicts, canonical lines).
	lines := rc.lines(dir + "/decrypted.jsonl")
	if len(lines) != final.n {
		rc.find(19, "%s/decrypted.jsonl: %d lines for %d rows", dir, len(lines), final.n)
	}
	out := &codesOutcome{totals: make([]uint64, len(mc.Candidates)), unweighted: make([]uint64, len(mc.Candidates))}
	if mc.Kind == "list" {
		codes, _ := listSelections(mc)
		out.totals = make([]uint64, len(codes))
	}
	index := map[uint32]int{}
	for j, c := range mc.Candidates {
		index[c.Code] = j
	}
	for r := 0; r < final.n; r++ {
		row := ms[r*final.w : (r+1)*final.w]
		var codes []uint32
		var verdict string
		weight := uint32(1)
		if maxWeight > 0 {
			codes, weight, verdict, _ = judgeWeightedRow(mc, maxWeight, row)
		} else {
			codes, verdict, _ = judgeRow(mc, row)
		}
		if mc.Kind == "ranked" {
			// "The ranked contest kind": a valid row is the ranking of
			// its candidates' indices in slot order; an invalid or
			// blank row the empty ranking. totals are first preferences.
			ranking := []int{}
			if verdict != "" {
				out.invalid++
			} else {
				for _, c := range codes {
					ranking = append(ranking, index[c])
				}
				if len(ranking) > 0 {
					out.totals[ranking[0]]++
				}
			}
			out.rankings = append(out.rankings, ranking)
		} else if verdict != "" {
			out.invalid++
		} else if mc.Kind == "list" {
			countListRow(mc, out.totals, codes)
		} else {
			for _, c := range codes {
				out.totals[index[c]] += uint64(weight)
				out.unweighted[index[c]]++
			}
			rc.stats["row weight counted"] += int(weight)
		}
		rc.stats["rows decoded"]++
		if r >= len(lines) {
			continue
		}
		var got decodedRowJSON
		if err := decodeStrict(lines[r], &got); err != nil {
			rc.find(19, "%s/decrypted.jsonl line %d: %v", dir, r+1, err)
			continue
		}
		var want []string
		for _, M := range row {
			want = append(want, hex.EncodeToString(enc(M)))
		}
		if fmt.Sprint(got.Plaintexts) != fmt.Sprint(want) {
			rc.find(18, "%s/decrypted.jsonl line %d: row %d: the plaintexts are not the combination of the shares", dir, r+1, r)
		}
		// The whole line, reason text included, is the decoding's.
		if wb := decodedRowLine(mc, maxWeight, row); !bytes.Equal(wb, lines[r]) {
			rc.find(19, "%s/decrypted.jsonl line %d: row %d: published %s, decoded %s", dir, r+1, r, lines[r], wb)
		}
	}
	rc.codes[i] = out
}

const councilSample = "../../election/testdata/council-sample"

func TestCouncilSampleRecord(t *testing.T) {
	rc := runRecordCheck(councilSample)
	for _, f := range rc.findings {
		t.Error(f)
	}
	t.Logf("checked: %v", rc.stats)
	// The sample's description ("The election record", "Test vectors"): 12
	// voters, one challenged ballot, 2 stages, 5 invalid rows.
	for k, v := range map[string]int{"mix stages accepted": 2, "rows decoded": 12, "row share lists verified": 2} {
		if rc.stats[k] != v {
			t.Errorf("%s: %d, want %d", k, rc.stats[k], v)
		}
	}
	if co := rc.codes[0]; co == nil || co.invalid != 5 {
		t.Errorf("codes outcome %+v, want 5 invalid rows", co)
	}
}
