package prose

import (
	"math"
	"testing"
)

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{Count(0, "ballot"), "0 ballots"},
		{Count(1, "ballot"), "1 ballot"},
		{Count(2, "ballot"), "2 ballots"},
		{Count(uint64(1), "entry"), "1 entry"},
		{Count(uint32(3), "entry"), "3 entries"},
		{Count(2, "key"), "2 keys"},
		{Count(2, "share list"), "2 share lists"},
		{Count(2, "match"), "2 matches"},
		{Count(2, "process"), "2 processes"},
		{Count(-1, "vote"), "-1 votes"},
		{Count(uint64(math.MaxUint64), "row"), "18446744073709551615 rows"},
		{Plural(""), ""},
		{Plural("y"), "ys"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestList(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{List([]int(nil)), ""},
		{List([]int{4}), "4"},
		{List([]int{2, 4}), "2 and 4"},
		{List([]uint32{1, 3, 4}), "1, 3 and 4"},
		{List([]uint64{math.MaxUint64, 1}), "18446744073709551615 and 1"},
		{Counted("trustee", []int{5}), "trustee 5"},
		{Counted("trustee", []int{1, 3, 4}), "trustees 1, 3 and 4"},
		{Counted("trustee", []int{}), "no trustees"},
		{Counted("candidate", []uint32{2, 4}), "candidates 2 and 4"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
