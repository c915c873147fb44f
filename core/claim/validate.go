package claim

import (
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/text"
)

// MaxText bounds a claim's free text (its id, the institution, the person's name,
// an item's code and name), in characters.
const MaxText = 200

// Validate returns every problem with the claim under the policy, sorted by path, or
// nil. personID checks the resident ID; the engine passes the identity package's parser.
func (c *Claim) Validate(p *policy.Compiled, personID func(id string, on civil.Date) error) error {
	var es core.Errors
	add := func(e *core.Error) {
		if e != nil {
			es = append(es, e)
		}
	}
	checkText := func(s, path string, required bool) {
		if s == "" && required {
			es.Add(core.FieldRequired, path, "")
		} else {
			add(text.Check(path, s, MaxText))
		}
	}
	// addAt places an error found without a path; paths are built only for errors.
	addAt := func(e *core.Error, path func() string, field string) {
		if e != nil {
			e.Path = path() + field
			es = append(es, e)
		}
	}
	checkText(c.ID, "/id", false)

	v := &c.Visit
	add(v.Admission.Check("/visit/admission"))
	add(v.Discharge.Check("/visit/discharge"))
	if v.Admission.IsZero() && v.Admission.Problem() == "" {
		es.Add(core.FieldRequired, "/visit/admission", "")
	}
	if v.Discharge.Valid() && v.Admission.Valid() && v.Discharge.Before(v.Admission) {
		es.AddText(core.DateOrder, "/visit/discharge", "discharge "+v.Discharge.String()+" is before admission "+v.Admission.String(),
			"出院 "+v.Discharge.String()+" 早于入院 "+v.Admission.String())
	}
	date := c.Date(p)
	datesOK := date.Valid()
	if datesOK && !p.Policy().Effective.Contains(date) {
		path := "/visit/admission"
		if p.Policy().VisitDate == policy.VisitDateDischarge && !v.Discharge.IsZero() {
			path = "/visit/discharge"
		}
		eff := p.Policy().Effective.From.String() + "…" + p.Policy().Effective.To.String()
		es.AddText(core.PolicyNotEffective, path, date.String()+" is outside "+eff, date.String()+" 不在 "+eff+" 之内")
	}

	okType := false
	for _, t := range policy.VisitTypes() {
		okType = okType || v.Type == t
	}
	switch {
	case v.Type == "":
		es.Add(core.FieldRequired, "/visit/type", "")
	case !okType:
		es.Add(core.FieldInvalid, "/visit/type", core.Quote(string(v.Type)))
	}
	checkText(v.Institution, "/visit/institution", false)
	if v.Class == "" {
		es.Add(core.FieldRequired, "/visit/class", "")
	} else if _, ok := p.Class(v.Class); !ok {
		es.Add(core.ClaimUnknownClass, "/visit/class", core.Quote(v.Class))
	}
	if v.Disease != "" {
		if _, ok := p.Disease(v.Disease); !ok {
			es.Add(core.ClaimUnknownDisease, "/visit/disease", core.Quote(v.Disease))
		}
	}
	switch v.Delivery {
	case "":
		if v.Type == policy.VisitMaternity {
			es.AddText(core.FieldRequired, "/visit/delivery", "maternity needs the delivery type", "住院分娩须填写分娩方式")
		}
	case policy.DeliveryNormal, policy.DeliveryDifficult, policy.DeliveryMultiple:
	default:
		es.Add(core.FieldInvalid, "/visit/delivery", core.Quote(string(v.Delivery)))
	}

	pr := &c.Person
	if pr.ID == "" {
		es.Add(core.FieldRequired, "/person/id", "")
	} else if err := personID(pr.ID, date); err != nil {
		for _, e := range core.AsErrors(err) {
			e2 := *e
			e2.Path = "/person/id"
			es = append(es, &e2)
		}
	}
	checkText(pr.Name, "/person/name", false)
	if pr.Category == "" {
		es.Add(core.FieldRequired, "/person/category", "")
	} else if _, ok := p.Category(pr.Category); !ok {
		es.Add(core.ClaimUnknownCategory, "/person/category", core.Quote(pr.Category))
	}
	add(pr.Birth.Check("/person/birthDate"))
	if datesOK && pr.Birth.Valid() && pr.Birth.After(date) {
		es.AddText(core.DateOrder, "/person/birthDate", "born after the visit", "出生日期晚于就诊日期")
	}
	tooLong := func(n int, path string) bool {
		if n <= MaxList {
			return false
		}
		es.AddText(core.FieldInvalid, path, "more than "+strconv.Itoa(MaxList)+" entries", "超过 "+strconv.Itoa(MaxList)+" 条")
		return true
	}
	for i, y := range pr.Enrollment {
		if tooLong(len(pr.Enrollment), "/person/enrollment") {
			break
		}
		path := indexPath("/person/enrollment/", i)
		if y.Year < 1900 || y.Year > 9999 {
			es.Add(core.FieldInvalid, path()+"/year", strconv.Itoa(y.Year))
		} else if earlier(i, func(j int) bool { return pr.Enrollment[j].Year == y.Year }) {
			es.AddText(core.FieldInvalid, path()+"/year", strconv.Itoa(y.Year)+" is listed twice", strconv.Itoa(y.Year)+" 重复列出")
		}
		addAt(y.PaidOn.Check(""), path, "/paidOn")
		switch {
		case len(p.Policy().Tiers) > 0 && y.Tier == "":
			es.Add(core.FieldRequired, path()+"/tier", "")
		case y.Tier != "":
			if _, ok := p.Tier(y.Tier); !ok {
				es.Add(core.ClaimUnknownTier, path()+"/tier", core.Quote(y.Tier))
			}
		}
	}

	if len(c.Items) > MaxItems {
		// Decoders keep MaxItems+1 lines at most, so the count is not shown.
		es.AddText(core.ClaimTooManyItems, "/items", "more than "+strconv.Itoa(MaxItems)+" lines", "超过 "+strconv.Itoa(MaxItems)+" 条")
	} else {
		for i := range c.Items {
			validateItem(&es, &c.Items[i], i, checkText)
		}
	}

	t := &c.Totals
	if t.Year != 0 && datesOK && t.Year != date.Year {
		es.Add(core.ClaimTotalsYear, "/totals/year", strconv.Itoa(t.Year)+" ≠ "+strconv.Itoa(date.Year))
	}
	for i, f := range t.Funds {
		if tooLong(len(t.Funds), "/totals/funds") {
			break
		}
		path := indexPath("/totals/funds/", i)
		switch {
		case f.Fund == "":
			es.Add(core.FieldRequired, path()+"/fund", "")
		case !p.HasFund(f.Fund):
			es.Add(core.ClaimUnknownFund, path()+"/fund", core.Quote(f.Fund))
		case earlier(i, func(j int) bool { return t.Funds[j].Fund == f.Fund }):
			es.AddText(core.FieldInvalid, path()+"/fund", core.Quote(f.Fund)+" is listed twice", core.Quote(f.Fund)+" 重复列出")
		}
		addAt(f.Paid.Check(""), path, "/paid")
		addAt(f.Base.Check(""), path, "/base")
		addAt(f.Deductible.Check(""), path, "/deductible")
		if f.Visits < 0 {
			es.AddText(core.FieldInvalid, path()+"/visits", "must not be negative", "不能为负数")
		}
	}
	for i, a := range t.Admissions {
		if tooLong(len(t.Admissions), "/totals/admissions") {
			break
		}
		path := indexPath("/totals/admissions/", i)
		if _, ok := p.Class(a.Class); !ok {
			es.Add(core.ClaimUnknownClass, path()+"/class", core.Quote(a.Class))
		} else if earlier(i, func(j int) bool { return t.Admissions[j].Class == a.Class }) {
			es.AddText(core.FieldInvalid, path()+"/class", core.Quote(a.Class)+" is listed twice", core.Quote(a.Class)+" 重复列出")
		}
		if a.Count < 0 {
			es.AddText(core.FieldInvalid, path()+"/count", "must not be negative", "不能为负数")
		}
	}
	add(t.FamilyAccount.Check("/totals/familyAccount"))
	return es.Err()
}

// indexPath returns a function building prefix + i, so that a valid claim's loops
// build no path strings.
func indexPath(prefix string, i int) func() string {
	return func() string { return prefix + strconv.Itoa(i) }
}

// earlier reports whether any index before i satisfies same. The lists it checks for
// duplicates (enrollment years, funds, classes) hold a handful of entries, where a
// scan is cheaper than a map.
func earlier(i int, same func(j int) bool) bool {
	for j := 0; j < i; j++ {
		if same(j) {
			return true
		}
	}
	return false
}

// validateItem checks one line. Paths are built only when a problem is found: a
// valid bill of hundreds of lines should cost no string building.
func validateItem(es *core.Errors, it *Item, i int, checkText func(s, path string, required bool)) {
	path := func(field string) string { return "/items/" + strconv.Itoa(i) + field }
	if it.Code == "" || len(it.Code) > MaxText || it.Name != "" {
		checkText(it.Code, path("/code"), true)
		checkText(it.Name, path("/name"), false)
	} else {
		for j := 0; j < len(it.Code); j++ {
			if it.Code[j] < 0x20 || it.Code[j] == 0x7f || it.Code[j] >= 0x80 {
				checkText(it.Code, path("/code"), true)
				break
			}
		}
	}
	switch it.Kind {
	case KindDrug, KindExam, KindTreatment, KindMaterial, KindBed, KindService, KindOther:
	case "":
		es.Add(core.FieldRequired, path("/kind"), "")
	default:
		es.Add(core.FieldInvalid, path("/kind"), core.Quote(string(it.Kind)))
	}
	switch it.Class {
	case ClassA, ClassB, ClassSelf:
	case "":
		es.Add(core.FieldRequired, path("/class"), "")
	default:
		es.AddText(core.FieldInvalid, path("/class"), core.Quote(string(it.Class))+` is not "A", "B" or "self"`, core.Quote(string(it.Class))+` 不是 "A"、"B" 或 "self"`)
	}
	ok := true
	if e := it.Amount.Check(""); e != nil {
		e.Path = path("/amount")
		*es = append(*es, e)
		ok = false
	}
	if e := it.OverLimit.Check(""); e != nil {
		e.Path = path("/overLimit")
		*es = append(*es, e)
		ok = false
	}
	if ok && !it.OverLimit.IsZero() && it.OverLimit.Cmp(it.Amount) > 0 {
		es.AddText(core.FieldInvalid, path("/overLimit"), "over-limit part "+it.OverLimit.String()+" exceeds the amount "+it.Amount.String(),
			"超限部分 "+it.OverLimit.String()+" 大于金额 "+it.Amount.String())
	}
}
