package report

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// Notice is the public notice (公示) of the settlements admitted in a range, village
// by village, as it is posted in each village every month.
type Notice struct {
	From     civil.Date      `json:"from"`
	To       civil.Date      `json:"to"`
	Villages []NoticeVillage `json:"villages"`
}

// NoticeVillage is one village's part of a notice, with its totals.
type NoticeVillage struct {
	Township  string       `json:"township"`
	Village   string       `json:"village"`
	Visits    int          `json:"visits"`
	Total     money.Amount `json:"total"`
	FundTotal money.Amount `json:"fundTotal"`
	Rows      []NoticeRow  `json:"rows"`
}

// NoticeRow is one settlement as the public sees it. It holds the masked ID only,
// so a notice can be published as it is.
type NoticeRow struct {
	Seq         int64        `json:"seq"`
	Name        string       `json:"name"`
	ID          string       `json:"id"` // 640221********0015
	VisitType   string       `json:"visitType"`
	Institution string       `json:"institution"`
	Admission   civil.Date   `json:"admission"`
	Discharge   civil.Date   `json:"discharge"`
	Total       money.Amount `json:"total"`
	FundTotal   money.Amount `json:"fundTotal"`
}

// BuildNotice lists every standing settlement admitted in r with the person's name
// and masked ID (identity.Mask: the first 6 and last 4 characters kept) and the
// village and township of their household. Villages are ordered by township then
// village, and rows by admission date then sequence. A person or household missing
// from the registry leaves the name or village empty; the township then comes from
// the entry.
func BuildNotice(entries iter.Seq2[*ledger.Entry, error], r Range, reg Registry) (*Notice, error) {
	var es core.Errors
	r.check("", &es)
	if err := es.Err(); err != nil {
		return nil, err
	}
	if reg == nil {
		return nil, errors.New("report: a notice needs a registry")
	}
	settled, err := standing(entries, func(e *ledger.Entry) bool { return r.Contains(e.Admission) })
	if err != nil {
		return nil, err
	}

	// A village's notice repeats the same people and households; look each up once.
	persons := make(map[string]*ledger.Person)
	households := make(map[string]*ledger.Household)
	type place struct{ township, village string }
	villages := make(map[place]*NoticeVillage)
	for _, e := range settled {
		if !r.Contains(e.Admission) {
			continue
		}
		p, ok := persons[e.Person]
		if !ok {
			if p, err = lookup(reg.Person, e.Person); err != nil {
				return nil, fmt.Errorf("report: notice: person of entry %d: %w", e.Seq, err)
			}
			persons[e.Person] = p
		}
		hid := e.Household
		if hid == "" && p != nil {
			hid = p.Household
		}
		var h *ledger.Household
		if hid != "" {
			if h, ok = households[hid]; !ok {
				if h, err = lookup(reg.Household, hid); err != nil {
					return nil, fmt.Errorf("report: notice: household of entry %d: %w", e.Seq, err)
				}
				households[hid] = h
			}
		}
		at := place{township: e.Township}
		if h != nil {
			at.village = h.Village
			if h.Township != "" {
				at.township = h.Township
			}
		}
		row := NoticeRow{
			Seq:         e.Seq,
			ID:          identity.Mask(e.Person),
			VisitType:   e.VisitType,
			Institution: e.Institution,
			Admission:   e.Admission,
			Discharge:   e.Discharge,
			Total:       e.Total,
			FundTotal:   e.FundTotal,
		}
		if p != nil {
			row.Name = p.Name
		}
		v := villages[at]
		if v == nil {
			v = &NoticeVillage{Township: at.township, Village: at.village}
			villages[at] = v
		}
		v.Visits++
		v.Total = v.Total.Add(e.Total)
		v.FundTotal = v.FundTotal.Add(e.FundTotal)
		v.Rows = append(v.Rows, row)
	}

	n := &Notice{From: r.From, To: r.To, Villages: make([]NoticeVillage, 0, len(villages))}
	for _, v := range villages {
		slices.SortFunc(v.Rows, func(a, b NoticeRow) int {
			return cmp.Or(a.Admission.Compare(b.Admission), cmp.Compare(a.Seq, b.Seq))
		})
		n.Villages = append(n.Villages, *v)
	}
	slices.SortFunc(n.Villages, func(a, b NoticeVillage) int {
		return cmp.Or(cmp.Compare(a.Township, b.Township), cmp.Compare(a.Village, b.Village))
	})
	return n, nil
}

// lookup calls find and turns "not found" into a nil record.
func lookup[T any](find func(string) (*T, error), id string) (*T, error) {
	v, err := find(id)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, nil
	}
	return v, err
}
