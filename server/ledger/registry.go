package ledger

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/apierr"
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
	checkText(&es, at+"/id", h.ID, MaxCodeLen)
	checkText(&es, at+"/head", h.Head, MaxCodeLen)
	checkText(&es, at+"/township", h.Township, MaxNameLen)
	checkText(&es, at+"/village", h.Village, MaxNameLen)
	checkText(&es, at+"/address", h.Address, MaxAddressLen)
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
	checkText(&es, at+"/name", p.Name, MaxNameLen)
	checkText(&es, at+"/household", p.Household, MaxCodeLen)
	checkText(&es, at+"/category", p.Category, MaxCodeLen)
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
		checkText(&es, path+"/tier", y.Tier, MaxCodeLen)
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
			return core.Errors{apierr.NewError(apierr.NotFound, "/household", core.Quote(p.Household))}
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
			return core.Errors{apierr.NewError(apierr.NotFound, "/id", identity.Mask(parsed.Number))}
		} else if err != nil {
			return err
		}
		// The enrollment the engine sees: contributions where recorded.
		_, err = withContributions(ctx, tx, p, 0)
		return err
	})
	return p, err
}
