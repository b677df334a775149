package ranked

import "errors"

// papers holds the valid rows of a count grouped by identical ranking:
// papers with the same ranking take the same path through any count (a
// transfer depends only on a paper's ranking and value), so a group moves
// as one, with its number of papers. Groups are numbered in the order of
// their first row, so the grouping is a function of the rows.
type papers struct {
	prefs   []uint16 // the rankings of all groups, one after another
	start   []uint32 // group g's ranking is prefs[start[g]:start[g+1]]
	count   []uint64 // papers in group g
	valid   uint64   // papers in all groups
	invalid uint64   // rows that are not valid rankings
}

func (p *papers) groups() int { return len(p.count) }

func (p *papers) ranking(g int32) []uint16 { return p.prefs[p.start[g]:p.start[g+1]] }

// groupRows validates and groups rows. Invalid rows are only counted.
func groupRows(c Contest, rows []Ranking) (*papers, error) {
	if uint64(len(rows)) > MaxRows {
		return nil, errTooManyRows
	}
	p := &papers{start: []uint32{0}}
	index := make(map[string]int32)
	key := make([]byte, 0, 2*c.MaxRanks)
	for _, r := range rows {
		if ValidateRanking(c, r) != nil {
			p.invalid++
			continue
		}
		key = key[:0]
		for _, x := range r {
			key = append(key, byte(x>>8), byte(x))
		}
		if g, ok := index[string(key)]; ok {
			p.count[g]++
		} else {
			if len(p.count) >= maxGroups || len(p.prefs)+len(r) > maxPrefs {
				return nil, errTooManyGroups
			}
			index[string(key)] = int32(len(p.count))
			for _, x := range r {
				p.prefs = append(p.prefs, uint16(x))
			}
			p.start = append(p.start, uint32(len(p.prefs)))
			p.count = append(p.count, 1)
		}
		p.valid++
	}
	return p, nil
}

// Bounds of the grouping: distinct rankings are numbered by int32 and
// their entries by uint32.
const (
	maxGroups = 1<<31 - 1
	maxPrefs  = 1<<32 - 1
)

var errTooManyGroups = errors.New("ranked: more distinct rankings than a count can hold (2^31-1 rankings or 2^32-1 entries)")
