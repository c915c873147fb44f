// Package trace records how a settlement was reached: an ordered list of steps, each
// naming the stage, the policy rule (a JSON pointer into the policy document), what
// went in and what came out. Steps are data; Render turns them into sentences a county
// clerk or a family can read.
package trace

// Stages of the settlement pipeline, in the order they run.
const (
	StageEligibility   = "eligibility"
	StageScope         = "scope"
	StageRoute         = "route"
	StageReferral      = "referral"
	StageContinuity    = "continuity"
	StageDeductible    = "deductible"
	StageRatio         = "ratio"
	StageRound         = "round"
	StageCap           = "cap"
	StageSingleDisease = "single_disease"
	StageMaternity     = "maternity"
	StageLayer         = "layer"
	StageFamilyAccount = "family_account"
	StageCash          = "cash"
)

// Step is one decision in a settlement.
type Step struct {
	Seq   int     `json:"seq"`
	Stage string  `json:"stage"`
	Rule  string  `json:"rule"`
	Note  string  `json:"note"`
	In    []Value `json:"in"`
	Out   []Value `json:"out"`
}

// Value is a named input or output; amounts are canonical decimal strings.
type Value struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// V is shorthand for a Value.
func V(name, value string) Value { return Value{Name: name, Value: value} }

// Builder appends numbered steps. Values are copied into one backing array shared by
// all steps, so recording a step costs no allocation of its own.
type Builder struct {
	steps []Step
	vals  []Value
}

// NewBuilder returns a builder with room for n steps.
func NewBuilder(n int) *Builder {
	return &Builder{steps: make([]Step, 0, n), vals: make([]Value, 0, 4*n)}
}

// Add appends a step and numbers it. It keeps copies of in and out.
func (b *Builder) Add(stage, rule, note string, in []Value, out ...Value) {
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
