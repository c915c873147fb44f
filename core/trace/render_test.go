package trace_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/trace"
)

func TestRender(t *testing.T) {
	b := trace.NewBuilder(4)
	b.Add(trace.StageEligibility, "/enrollment", "eligible",
		[]trace.Value{trace.V("year", "2025"), trace.V("category", "general")},
		trace.V("tier", "t2"), trace.V("continuous", "5"))
	b.Add(trace.StageDeductible, "/benefits/5/deductible/first", "deductible_first",
		[]trace.Value{trace.V("admission", "1")}, trace.V("deductible", "350.00"), trace.V("applied", "350.00"))
	b.Add(trace.StageRatio, "/benefits/5/ratio/bands/0", "band",
		[]trace.Value{trace.V("from", "0"), trace.V("to", "50000.00"), trace.V("amount", "4650.00"), trace.V("rate", "65%")},
		trace.V("pay", "3022.50"))
	b.Add(trace.StageCash, "", "cash", nil,
		trace.V("funds", "3022.50"), trace.V("familyAccount", "0.00"), trace.V("cash", "1977.50"),
		trace.V("hospital", "0.00"), trace.V("ratio", "60.45%"))
	steps := b.Steps()

	for i, s := range steps {
		if s.Seq != i+1 {
			t.Errorf("step %d has Seq %d", i, s.Seq)
		}
	}
	if steps[3].In == nil || steps[3].Out == nil {
		t.Errorf("nil value lists: %+v", steps[3])
	}

	wantZh := []string{
		"2025年已参合，享受t2待遇，连续参合5年",
		"本年第1次住院，起付线350.00元，本次扣除350.00元",
		"0–50000.00元部分4650.00元，按65%报销3022.50元",
		"基金合计支付3022.50元，家庭账户0.00元，个人现金1977.50元，医院承担0.00元，实际报销比例60.45%",
	}
	wantEn := []string{
		"Enrolled for 2025, t2 benefits; continuous years enrolled: 5",
		"Admission 1 this year: deductible 350.00, applied 350.00",
		"Slice 0–50000.00: 4650.00 at 65% pays 3022.50",
		"Funds pay 3022.50, family account 0.00, cash 1977.50, hospital bears 0.00; effective ratio 60.45%",
	}
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{string(trace.Chinese), wantZh},
		{string(trace.English), wantEn},
		{"fr", wantEn}, // anything else is English
		{"", wantEn},
	} {
		got := trace.Render(steps, tc.lang, nil)
		if len(got) != len(tc.want) {
			t.Fatalf("Render(%q): %d sentences, want %d", tc.lang, len(got), len(tc.want))
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Render(%q)[%d]\n got %q\nwant %q", tc.lang, i, got[i], tc.want[i])
			}
		}
	}

	if got := trace.Render(nil, string(trace.Chinese), nil); got == nil || len(got) != 0 {
		t.Errorf("Render(nil) = %#v, want an empty list", got)
	}
}

func TestSentence(t *testing.T) {
	for _, tc := range []struct {
		name   string
		step   trace.Step
		zh, en string
	}{
		{
			name: "note without a template renders the note",
			step: trace.Step{Note: "custom_note", In: []trace.Value{trace.V("year", "2025")}},
			zh:   "custom_note", en: "custom_note",
		},
		{
			name: "empty note",
			step: trace.Step{},
			zh:   "", en: "",
		},
		{
			name: "missing values render ?",
			step: trace.Step{Note: "eligible"},
			zh:   "?年已参合，享受?待遇，连续参合?年",
			en:   "Enrolled for ?, ? benefits; continuous years enrolled: ?",
		},
		{
			name: "some values missing",
			step: trace.Step{Note: "waiting", In: []trace.Value{trace.V("date", "2025-06-09")}},
			zh:   "待遇等待期至?，就诊日2025-06-09在等待期内，基金不予支付",
			en:   "Waiting period until ?; the visit on 2025-06-09 falls inside it: the fund pays nothing",
		},
		{
			name: "out values win over in values of the same name",
			step: trace.Step{Note: "tier_pending",
				In:  []trace.Value{trace.V("tier", "t2"), trace.V("from", "2025-01-01")},
				Out: []trace.Value{trace.V("tier", "t1"), trace.V("from", "2025-05-15")}},
			zh: "升档待遇自2025-05-15起生效，本次按t1结算",
			en: "Higher tier benefits start 2025-05-15; settled at t1",
		},
		{
			name: "template without placeholders",
			step: trace.Step{Note: "deductible_none"},
			zh:   "无起付线", en: "No deductible",
		},
		{
			name: "values with braces are not expanded again",
			step: trace.Step{Note: "benefit", Out: []trace.Value{trace.V("benefit", "{benefit}")}},
			zh:   "适用补偿规定：{benefit}", en: "Benefit applied: {benefit}",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := trace.Sentence(tc.step, string(trace.Chinese), nil); got != tc.zh {
				t.Errorf("zh: got %q, want %q", got, tc.zh)
			}
			if got := trace.Sentence(tc.step, string(trace.English), nil); got != tc.en {
				t.Errorf("en: got %q, want %q", got, tc.en)
			}
		})
	}
}

// addNote finds the note, the third argument, of s.tr.Add(trace.Stage…, rule, "note", …).
var addNote = regexp.MustCompile(`\.Add\(trace\.Stage\w+,\s*[^,]+,\s*"([a-z_]+)"`)

// settleNotes returns every note the settle package records, found in its non-test
// source: string literals passed straight to Add, and string literals assigned to a
// variable named note (the notes chosen at run time and passed to Add as `note`).
func settleNotes(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "settle", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range addNote.FindAllSubmatch(src, -1) {
			notes[string(m[1])] = filepath.Base(f)
		}
		// Add calls whose note is a variable: collect what the variable is set to.
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i, l := range as.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name != "note" {
					continue
				}
				if lit, ok := as.Rhs[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						notes[s] = filepath.Base(f)
					}
				}
			}
			return true
		})
	}
	return notes
}

// TestSettleNotesHaveTemplates checks that every note core/settle records renders as
// a sentence in both languages rather than falling back to the bare note.
func TestSettleNotesHaveTemplates(t *testing.T) {
	notes := settleNotes(t)
	// A sanity floor: the scan must find the notes of every stage, not silently none.
	for _, must := range []string{"eligible", "eligible_untiered", "not_enrolled", "waiting", "tier_pending",
		"scope", "deductible_first", "deductible_later", "band", "annual_cap", "cash", "maternity", "layer_ratio"} {
		if _, ok := notes[must]; !ok {
			t.Errorf("the scan of core/settle did not find note %q", must)
		}
	}
	if len(notes) < 25 {
		t.Errorf("the scan of core/settle found only %d notes", len(notes))
	}
	names := make([]string, 0, len(notes))
	for n := range notes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, lang := range []string{string(trace.Chinese), string(trace.English)} {
			if got := trace.Sentence(trace.Step{Note: n}, lang, nil); got == n || got == "" {
				t.Errorf("note %q (in %s) has no %s template: renders %q", n, notes[n], lang, got)
			}
		}
		zh := trace.Sentence(trace.Step{Note: n}, string(trace.Chinese), nil)
		en := trace.Sentence(trace.Step{Note: n}, string(trace.English), nil)
		if zh == en {
			t.Errorf("note %q renders the same in zh and en: %q", n, zh)
		}
	}
	t.Logf("%d notes: %s", len(names), strings.Join(names, " "))
}

// glossary names ids and rules as a test policy would, with the language in the
// words so a test sees which one was asked for.
type glossary struct{}

func (glossary) Name(kind, id, lang string) string { return kind + ":" + id + "@" + lang }

func (glossary) Clause(rule, lang string) string {
	if rule == "/none" {
		return ""
	}
	return "clause" + rule + "@" + lang
}

// TestExplain checks that ids become the glossary's names, settings become words,
// rules become clauses, and that nothing else is touched.
func TestExplain(t *testing.T) {
	steps := []trace.Step{
		{Seq: 1, Stage: trace.StageRoute, Rule: "/benefits/0", Note: "benefit", Out: []trace.Value{trace.V("benefit", "inpatient")}},
		{Seq: 2, Stage: trace.StageSingleDisease, Rule: "/singleDiseases/0", Note: "single_disease_below",
			In:  []trace.Value{trace.V("disease", "K35"), trace.V("total", "900.00"), trace.V("price", "1000.00"), trace.V("below", "proportional")},
			Out: []trace.Value{trace.V("fund", "630.00"), trace.V("patient", "270.00")}},
		{Seq: 3, Stage: trace.StageMaternity, Rule: "/none", Note: "maternity",
			In: []trace.Value{trace.V("delivery", "difficult")}, Out: []trace.Value{trace.V("subsidy", "400.00"), trace.V("pay", "400.00")}},
		{Seq: 4, Stage: trace.StageRound, Rule: "/rounding", Note: "round",
			In: []trace.Value{trace.V("exact", "1.005")}, Out: []trace.Value{trace.V("mode", "half_up"), trace.V("scale", "2"), trace.V("amount", "1.01")}},
		{Seq: 5, Stage: trace.StageLayer, Rule: "/layers/1", Note: "layer_ratio",
			In: []trace.Value{trace.V("layer", "cat"), trace.V("base", "100.00"), trace.V("threshold", "0")}, Out: []trace.Value{trace.V("pay", "50.00")}},
		{Seq: 6, Stage: trace.StageCash, Note: "cash"},
		{Seq: 7, Stage: trace.StageEligibility, Rule: "/enrollment", Note: "eligible",
			In: []trace.Value{trace.V("year", "2025")}, Out: []trace.Value{trace.V("tier", "t2"), trace.V("continuous", "3")}},
	}
	for _, tc := range []struct {
		lang   string
		text   []string
		clause []string
	}{
		{string(trace.Chinese), []string{
			"适用补偿规定：benefit:inpatient@zh",
			"单病种disease:K35@zh实际费用900.00元低于限价1000.00元（按费用比例分摊）：基金支付630.00元，个人自付270.00元",
			"住院分娩（难产）定额补助400.00元，支付400.00元",
			"1.005元按四舍五入保留2位小数为1.01元",
			"layer:cat@zh：计算基数100.00元，起付0元，支付50.00元",
			"基金合计支付?元，家庭账户?元，个人现金?元，医院承担?元，实际报销比例?",
			"2025年已参合，享受tier:t2@zh待遇，连续参合3年",
		}, []string{"clause/benefits/0@zh", "clause/singleDiseases/0@zh", "", "clause/rounding@zh", "clause/layers/1@zh", "", "clause/enrollment@zh"}},
		{string(trace.English), []string{
			"Benefit applied: benefit:inpatient@en",
			"Single disease disease:K35@en cost 900.00 below price 1000.00 (both shares scaled to the cost): fund 630.00, patient 270.00",
			"Maternity (difficult delivery) fixed subsidy 400.00: pays 400.00",
			"1.005 rounded half up to 2 decimals is 1.01",
			"layer:cat@en: base 100.00, threshold 0, pays 50.00",
			"Funds pay ?, family account ?, cash ?, hospital bears ?; effective ratio ?",
			"Enrolled for 2025, tier:t2@en benefits; continuous years enrolled: 3",
		}, []string{"clause/benefits/0@en", "clause/singleDiseases/0@en", "", "clause/rounding@en", "clause/layers/1@en", "", "clause/enrollment@en"}},
	} {
		got := append([]trace.Step(nil), steps...)
		trace.Explain(got, tc.lang, glossary{})
		for i, s := range got {
			if s.Text != tc.text[i] || s.Clause != tc.clause[i] {
				t.Errorf("%s step %d:\n got %q (%q)\nwant %q (%q)", tc.lang, i+1, s.Text, s.Clause, tc.text[i], tc.clause[i])
			}
			if s.Note != steps[i].Note || s.Rule != steps[i].Rule || len(s.In) != len(steps[i].In) || len(s.Out) != len(steps[i].Out) {
				t.Errorf("%s step %d: Explain changed the step's data: %+v", tc.lang, i+1, s)
			}
		}
	}
	// Without a glossary the ids show as they are and no clause is cited.
	got := append([]trace.Step(nil), steps[:1]...)
	trace.Explain(got, string(trace.Chinese), nil)
	if got[0].Text != "适用补偿规定：inpatient" || got[0].Clause != "" {
		t.Errorf("no glossary: %q (%q)", got[0].Text, got[0].Clause)
	}
}
