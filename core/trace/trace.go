// Package trace records how a settlement was reached: an ordered list of steps, each
// naming the stage, the policy rule (a JSON pointer into the policy document), what
// went in and what came out. Steps are data; Explain turns them into sentences a
// county clerk or a family can read, citing the policy's clauses by name.
package trace

//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen Step

import "strings"

// Stage is a stage of the settlement pipeline; its value is the wire value of a
// step's "stage".
type Stage string

// Stages of the settlement pipeline, in the order they run.
const (
	StageEligibility   Stage = "eligibility"
	StageScope         Stage = "scope"
	StageRoute         Stage = "route"
	StageReferral      Stage = "referral"
	StageContinuity    Stage = "continuity"
	StageDeductible    Stage = "deductible"
	StageRatio         Stage = "ratio"
	StageRound         Stage = "round"
	StageCap           Stage = "cap"
	StageSingleDisease Stage = "single_disease"
	StageMaternity     Stage = "maternity"
	StageLayer         Stage = "layer"
	StageFamilyAccount Stage = "family_account"
	StageCash          Stage = "cash"
)

// Step is one decision in a settlement.
type Step struct {
	Seq   int     `json:"seq"`
	Stage Stage   `json:"stage"`
	Rule  string  `json:"rule"`
	Note  string  `json:"note"`
	In    []Value `json:"in"`
	Out   []Value `json:"out"`
	// Text and Clause are filled in only when a host asks for an explained result
	// (Explain): the step as a sentence, and the article of the printed scheme its
	// rule comes from. Without them a step encodes as it always has.
	Text   string `json:"text,omitempty"`
	Clause string `json:"clause,omitempty"`
}

// Value is a named input or output; amounts are canonical decimal strings.
type Value struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// V is shorthand for a Value.
func V(name, value string) Value { return Value{Name: name, Value: value} }

// Builder appends numbered steps. Values are copied into one backing array shared by
// all steps, and the texts it makes (Text, Join) into one shared buffer, so recording a
// step costs no allocation of its own.
type Builder struct {
	steps []Step
	vals  []Value
	text  strings.Builder
	// discard is set by Discard: nothing is recorded.
	discard bool
}

// Discard makes the builder record nothing: Add keeps no step and Text and Join
// return "". A host that reads no trace (a simulation replaying a year of claims)
// then pays neither for the steps nor for the texts.
func (b *Builder) Discard() { b.discard = true }

// Discarding reports whether Discard was called, so that a caller can skip
// formatting what would be discarded.
func (b *Builder) Discarding() bool { return b.discard }

// NewBuilder returns a builder with room for n steps.
func NewBuilder(n int) *Builder {
	b := &Builder{steps: make([]Step, 0, n), vals: make([]Value, 0, 4*n)}
	if n > 0 {
		b.text.Grow(textSize)
	}
	return b
}

// Use makes the builder record into steps and vals, from length zero up to their
// capacity, before it allocates arrays of its own: a caller can then allocate a
// trace's storage together with its own. The zero Builder, given Use, is ready.
func (b *Builder) Use(steps []Step, vals []Value) {
	b.steps, b.vals = steps[:0], vals[:0]
	if b.text.Cap() == 0 {
		b.text.Grow(textSize)
	}
}

// textSize is the first size of the text buffer: a settlement's trace formats some
// thirty amounts and rules. It grows as appends do when a trace needs more.
const textSize = 512

// Text returns p as a string kept in the builder's text buffer. A strings.Builder
// never changes bytes it has written (it copies them when it grows), so the strings
// it has handed out stay valid.
func (b *Builder) Text(p []byte) string {
	if b.discard {
		return ""
	}
	start := b.text.Len()
	b.text.Write(p)
	return b.text.String()[start:]
}

// Join returns the concatenation of parts, kept in the text buffer as Text does.
func (b *Builder) Join(parts ...string) string {
	if b.discard {
		return ""
	}
	start := b.text.Len()
	for _, p := range parts {
		b.text.WriteString(p)
	}
	return b.text.String()[start:]
}

// Add appends a step and numbers it. It keeps copies of in and out.
func (b *Builder) Add(stage Stage, rule, note string, in []Value, out ...Value) {
	if b.discard {
		return
	}
	if len(b.vals)+len(in)+len(out) > cap(b.vals) {
		// Earlier steps keep the old array; only new values go to the new one.
		b.vals = make([]Value, 0, 2*cap(b.vals)+len(in)+len(out))
	}
	start := len(b.vals)
	b.vals = append(b.vals, in...)
	mid := len(b.vals)
	b.vals = append(b.vals, out...)
	end := len(b.vals)
	// Full slice expressions keep a step's lists from growing into the next step's.
	b.steps = append(b.steps, Step{Seq: len(b.steps) + 1, Stage: stage, Rule: rule, Note: note,
		In: b.vals[start:mid:mid], Out: b.vals[mid:end:end]})
}

// Steps returns the steps recorded so far.
func (b *Builder) Steps() []Step { return b.steps }
