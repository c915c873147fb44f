package core

import (
	"slices"
	"strings"
)

// MaxListed is how many problems a Tally lists by default: enough for a clerk to
// see what is wrong with a file and fix it, while a file of 100,000 bad rows (some
// 600,000 problems) answers in a few kilobytes rather than 100 MB.
const MaxListed = 100

// CodeCount is how many problems had a code.
type CodeCount struct {
	Code  Code `json:"code"`
	Count int  `json:"count"`
}

// Tally is the report of a check that may find more problems than are worth an
// answer, such as a roster of many rows: the first problems in the order added,
// every one counted, and the counts by code. It keeps only the problems it lists,
// so its memory is bounded whatever the input.
type Tally struct {
	// Problems are the first problems added, at most the Tally's limit.
	Problems Errors `json:"problems"`
	// ProblemCount counts every problem added, listed or not.
	ProblemCount int `json:"problemCount"`
	// ProblemCodes counts every problem by code, sorted by code.
	ProblemCodes []CodeCount `json:"problemCodes"`

	keep int
}

// NewTally returns an empty Tally that lists at most keep problems, or MaxListed
// when keep is not positive. Its lists are empty, not nil, so they encode as [].
func NewTally(keep int) Tally {
	if keep <= 0 {
		keep = MaxListed
	}
	return Tally{Problems: Errors{}, ProblemCodes: []CodeCount{}, keep: keep}
}

// Add counts problems and keeps them while fewer than the limit are listed. A Tally
// not made by NewTally lists MaxListed.
func (t *Tally) Add(es ...*Error) {
	keep := t.keep
	if keep <= 0 {
		keep = MaxListed
	}
	for _, e := range es {
		t.ProblemCount++
		if len(t.Problems) < keep {
			t.Problems = append(t.Problems, e)
		}
		i, found := slices.BinarySearchFunc(t.ProblemCodes, e.Code, func(c CodeCount, code Code) int {
			return strings.Compare(string(c.Code), string(code))
		})
		if !found {
			t.ProblemCodes = slices.Insert(t.ProblemCodes, i, CodeCount{Code: e.Code})
		}
		t.ProblemCodes[i].Count++
	}
}
