package ranked

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readBLT reads an election in the BLT format of the test data: a line
// "candidates seats", ballot lines "weight c1 c2 … 0" with 1-based
// candidate numbers, a line "0", then names and a title. Each ballot line
// becomes weight rows with 0-based indices.
func readBLT(t *testing.T, path string) (Contest, []Ranking) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	var c Contest
	first := true
	var rows []Ranking
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if first {
			if len(fields) != 2 {
				t.Fatalf("%s: header %q", path, s.Text())
			}
			c.Candidates, _ = strconv.Atoi(fields[0])
			c.Seats, _ = strconv.Atoi(fields[1])
			c.MaxRanks = c.Candidates
			first = false
			continue
		}
		if len(fields) == 1 && fields[0] == "0" {
			break
		}
		nums := make([]int, len(fields))
		for i, x := range fields {
			if nums[i], err = strconv.Atoi(x); err != nil || nums[i] < 0 {
				t.Fatalf("%s: ballot line %q", path, s.Text())
			}
		}
		if nums[len(nums)-1] != 0 {
			t.Fatalf("%s: ballot line %q does not end in 0", path, s.Text())
		}
		r := make(Ranking, 0, len(nums)-2)
		for _, x := range nums[1 : len(nums)-1] {
			r = append(r, x-1)
		}
		for range nums[0] {
			rows = append(rows, r)
		}
	}
	return c, rows
}

// droopStage is one stage of a reference count in testdata/scotland/droop-reference.txt.
type droopStage struct {
	kind  string
	cand  int
	votes []Value
	nt    Value
}

type droopWard struct {
	name       string
	candidates int
	seats      int
	stages     []droopStage
	elected    []int
}

func readDroopReference(t *testing.T, path string) []droopWard {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var wards []droopWard
	var w *droopWard
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		bad := func() { t.Fatalf("%s:%d: %q", path, i+1, line) }
		switch f[0] {
		case "ward":
			wards = append(wards, droopWard{name: f[1]})
			w = &wards[len(wards)-1]
			fmt.Sscan(f[3], &w.candidates)
			fmt.Sscan(f[5], &w.seats)
		case "stage":
			st := droopStage{kind: f[2]}
			if _, err := fmt.Sscan(f[3], &st.cand); err != nil {
				bad()
			}
			w.stages = append(w.stages, st)
		case "votes":
			for _, x := range f[1:] {
				v, err := parseValue(x)
				if err != nil {
					bad()
				}
				w.stages[len(w.stages)-1].votes = append(w.stages[len(w.stages)-1].votes, v)
			}
		case "nt":
			v, err := parseValue(f[1])
			if err != nil {
				bad()
			}
			w.stages[len(w.stages)-1].nt = v
		case "elected":
			for _, x := range f[1:] {
				n, _ := strconv.Atoi(x)
				w.elected = append(w.elected, n)
			}
		default:
			bad()
		}
	}
	return wards
}

func readGolden() ([]byte, error) { return os.ReadFile("testdata/count-json.golden") }

// bltNames returns the candidate names of a BLT file: the n quoted lines
// after the ballots.
func bltNames(t *testing.T, path string, n int) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "\"") && len(names) < n {
			names = append(names, strings.Trim(line, "\""))
		}
	}
	return names
}
