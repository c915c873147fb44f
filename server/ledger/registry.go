package ledger

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
)

// today is the calendar date of the ledger's clock, for ID checks (a birth date in
// the future is an error).
func (l *Ledger) today() civil.Date {
	t := l.opts.Now()
	return civil.New(t.Year(), t.Month(), t.Day())
}

// checkHousehold returns every problem of a household record, paths under at.
func checkHousehold(h *Household, at string) core.Errors {
	var es core.Errors
	if h.ID == "" {
		es.Add(core.FieldRequired, at+"/id", "")
	}
	if h.Township == "" {
		es.Add(core.FieldRequired, at+"/township", "")
	}
	return es
}

// checkPerson returns every problem of a person record and canonicalizes its ID.
func (l *Ledger) checkPerson(p *Person, at string) core.Errors {
	var es core.Errors
	id, err := identity.ParseID(p.ID, l.today())
	if err != nil {
		es = append(es, core.AsErrors(core.Prefix(err, at+"/id"))...)
	} else {
		p.ID = id.Number
		if p.Birth.IsZero() {
			p.Birth = id.Birth
		} else if p.Birth != id.Birth {
			es.AddText(core.FieldInvalid, at+"/birthDate", "differs from the ID number's "+id.Birth.String(), "与身份证号中的出生日期 "+id.Birth.String()+" 不符")
		}
	}
	if e := p.Birth.Check(at + "/birthDate"); e != nil {
		es = append(es, e)
	}
	if p.Name == "" {
		es.Add(core.FieldRequired, at+"/name", "")
	}
	if p.Household == "" {
		es.Add(core.FieldRequired, at+"/household", "")
	}
	if p.Category == "" {
		es.Add(core.FieldRequired, at+"/category", "")
	}
	if p.Enrollment == nil {
		p.Enrollment = []enroll.Year{}
	}
	seen := map[int]bool{}
	for i, y := range p.Enrollment {
		path := fmt.Sprintf("%s/enrollment/%d", at, i)
		if y.Year < 1900 || y.Year > 9999 {
			es.Add(core.FieldInvalid, path+"/year", strconv.Itoa(y.Year))
		} else if seen[y.Year] {
			es.AddText(core.FieldInvalid, path+"/year", "enrolled twice in "+strconv.Itoa(y.Year), strconv.Itoa(y.Year)+" 年重复参合")
		}
		seen[y.Year] = true
		if e := y.PaidOn.Check(path + "/paidOn"); e != nil {
			es = append(es, e)
		} else if y.PaidOn.IsZero() {
			es.Add(core.FieldRequired, path+"/paidOn", "")
		}
	}
	return es
}

// PutHousehold registers or replaces a household.
func (l *Ledger) PutHousehold(ctx context.Context, h Household) error {
	if err := checkHousehold(&h, "").Err(); err != nil {
		return err
	}
	return l.store.Update(ctx, func(tx Tx) error { return tx.PutHousehold(ctx, h) })
}

// PutPerson registers or replaces a person; the household must be registered.
func (l *Ledger) PutPerson(ctx context.Context, p Person) error {
	if err := l.checkPerson(&p, "").Err(); err != nil {
		return err
	}
	return l.store.Update(ctx, func(tx Tx) error {
		if _, err := tx.Household(ctx, p.Household); errors.Is(err, ErrNotFound) {
			return core.Errors{core.NewError(core.NotFound, "/household", core.Quote(p.Household))}
		} else if err != nil {
			return err
		}
		return tx.PutPerson(ctx, p)
	})
}

// Person returns a registered person by resident ID (either spelling).
func (l *Ledger) Person(ctx context.Context, id string) (*Person, error) {
	parsed, err := identity.ParseID(id, l.today())
	if err != nil {
		return nil, core.Prefix(err, "/id")
	}
	var p *Person
	err = l.store.View(ctx, func(tx Tx) error {
		p, err = tx.Person(ctx, parsed.Number)
		if errors.Is(err, ErrNotFound) {
			return core.Errors{core.NewError(core.NotFound, "/id", identity.Mask(parsed.Number))}
		}
		return err
	})
	return p, err
}

// RosterColumns are the county roster's CSV columns, in any order after a header
// row; relation is "head" (户主) for the household head, anything else otherwise.
var RosterColumns = []string{"household", "township", "village", "address", "relation",
	"id", "name", "category", "birthDate", "year", "tier", "paidOn"}

// ImportReport says what a roster import did: all rows or none.
type ImportReport struct {
	Rows       int         `json:"rows"`
	Households int         `json:"households"`
	Persons    int         `json:"persons"`
	Imported   bool        `json:"imported"`
	Problems   core.Errors `json:"problems"`
}

// Import reads the county roster (CSV with a header row naming RosterColumns, one row
// per person and enrollment year) and registers every household and person in one
// transaction. Any bad row imports nothing; the report lists every problem at
// /rows/<index>/<column>. progress, if not nil, is called after each row is read.
func (l *Ledger) Import(ctx context.Context, r io.Reader, progress func(done int)) (*ImportReport, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return &ImportReport{Problems: core.Errors{core.NewError(core.RosterEmpty, "/rows", "")}}, nil
	} else if err != nil {
		return nil, core.Errors{core.NewErrorText(core.FieldInvalid, "/header", err.Error(), "无法读取表头")}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	rep := &ImportReport{Problems: core.Errors{}}
	for _, c := range RosterColumns {
		if _, ok := col[c]; !ok && c != "relation" && c != "tier" && c != "village" && c != "address" {
			rep.Problems.AddText(core.FieldRequired, "/header/"+c, "missing column", "缺少该列")
		}
	}
	if len(rep.Problems) > 0 {
		return rep, nil
	}
	households := map[string]*Household{}
	persons := map[string]*Person{}
	var order []string
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		at := "/rows/" + strconv.Itoa(i)
		if err != nil {
			rep.Problems.AddText(core.FieldInvalid, at, err.Error(), "无法读取该行")
			continue
		}
		rep.Rows++
		get := func(name string) string {
			if j, ok := col[name]; ok && j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		rep.Problems = append(rep.Problems, l.importRow(get, at, households, persons, &order)...)
		if progress != nil {
			progress(rep.Rows)
		}
	}
	if rep.Rows == 0 {
		rep.Problems.Add(core.RosterEmpty, "/rows", "")
	}
	if len(rep.Problems) > 0 {
		rep.Problems = core.AsErrors(rep.Problems.Err())
		return rep, nil
	}
	err = l.store.Update(ctx, func(tx Tx) error {
		for _, h := range households {
			if err := tx.PutHousehold(ctx, *h); err != nil {
				return err
			}
		}
		for _, id := range order {
			if err := tx.PutPerson(ctx, *persons[id]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: importing the roster: %w", err)
	}
	rep.Imported, rep.Households, rep.Persons = true, len(households), len(persons)
	return rep, nil
}

// importRow checks one roster row and merges it into the households and persons.
func (l *Ledger) importRow(get func(string) string, at string, households map[string]*Household, persons map[string]*Person, order *[]string) core.Errors {
	var es core.Errors
	h := Household{ID: get("household"), Township: get("township"), Village: get("village"), Address: get("address")}
	if h.ID == "" {
		es.Add(core.FieldRequired, at+"/household", "")
	}
	if h.Township == "" {
		es.Add(core.FieldRequired, at+"/township", "")
	}
	var y enroll.Year
	var err error
	if y.Year, err = strconv.Atoi(get("year")); err != nil {
		es.Add(core.FieldInvalid, at+"/year", core.Quote(get("year")))
	}
	y.Tier = get("tier")
	if y.PaidOn, err = civil.Parse(get("paidOn")); err != nil {
		es = append(es, core.AsErrors(core.Prefix(err, at+"/paidOn"))...)
	}
	p := Person{ID: get("id"), Name: get("name"), Household: h.ID, Category: get("category"), Enrollment: []enroll.Year{y}}
	if b := get("birthDate"); b != "" {
		if p.Birth, err = civil.Parse(b); err != nil {
			es = append(es, core.AsErrors(core.Prefix(err, at+"/birthDate"))...)
		}
	}
	if len(es) == 0 {
		for _, e := range l.checkPerson(&p, "") {
			e.Path = at + strings.Replace(e.Path, "/enrollment/0", "", 1)
			es = append(es, e)
		}
	}
	if len(es) > 0 {
		return es
	}
	if old, ok := households[h.ID]; ok && (old.Township != h.Township || old.Village != h.Village) {
		return core.Errors{core.NewErrorText(core.FieldInvalid, at+"/township",
			"household "+core.Quote(h.ID)+" is in another township or village on an earlier row", "户 "+core.Quote(h.ID)+" 在前面的行中属于另一乡镇或村")}
	}
	if households[h.ID] == nil {
		households[h.ID] = &h
	}
	if strings.EqualFold(get("relation"), "head") || get("relation") == "户主" {
		households[h.ID].Head = p.ID
	}
	old, ok := persons[p.ID]
	if !ok {
		persons[p.ID] = &p
		*order = append(*order, p.ID)
		return nil
	}
	if old.Household != p.Household || old.Name != p.Name {
		return core.Errors{core.NewErrorText(core.RosterDuplicate, at+"/id", "the same ID with another name or household", "同一身份证号对应另一姓名或户")}
	}
	for _, e := range old.Enrollment {
		if e.Year == y.Year {
			return core.Errors{core.NewError(core.RosterDuplicate, at+"/year", strconv.Itoa(y.Year))}
		}
	}
	old.Enrollment = append(old.Enrollment, y)
	return nil
}
