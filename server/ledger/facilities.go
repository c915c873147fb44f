package ledger

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/server/apierr"
)

// Facility is one period of a designated medical institution (定点医疗机构) in the
// county's register: from From to To inclusive (To zero: open-ended). The county
// keeps the register; a settlement's facility class is the register's for the
// institution on the visit date, never the request's.
type Facility struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	Class      string     `json:"class"` // a facility class code of the county's policy
	Township   string     `json:"township"`
	InCounty   bool       `json:"inCounty"`
	Designated bool       `json:"designated"`
	From       civil.Date `json:"from"`
	To         civil.Date `json:"to"`
	Updated    time.Time  `json:"updated"`
}

// FacilityTx is the part of a Tx that keeps the facility register and finds
// settlements by invoice.
type FacilityTx interface {
	// PutFacility inserts or replaces the period (Code, From).
	PutFacility(ctx context.Context, f Facility) error
	// Facilities returns the periods of an institution, or of all when code is "",
	// by code and From.
	Facilities(ctx context.Context, code string) ([]Facility, error)
	// SettledInvoice returns the latest settlement of the institution carrying the
	// invoice number that no reversal names, or ErrNotFound.
	SettledInvoice(ctx context.Context, institution, invoice string) (*Entry, error)
}

// effective returns the period in effect on d: of those that cover it, the one
// that starts last.
func effective(fs []Facility, d civil.Date) *Facility {
	var best *Facility
	for i := range fs {
		f := &fs[i]
		if d.Before(f.From) || (!f.To.IsZero() && f.To.Before(d)) {
			continue
		}
		if best == nil || best.From.Before(f.From) {
			best = f
		}
	}
	return best
}

// checkFacility returns the problems of a register period, with paths under prefix.
func checkFacility(es *core.Errors, prefix string, f *Facility) {
	text := func(name, v string) {
		switch {
		case v == "":
			es.Add(core.FieldRequired, prefix+"/"+name, "")
		case strings.TrimSpace(v) != v || strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }):
			es.AddText(core.FieldInvalid, prefix+"/"+name, "leading or trailing space or a control character", "首尾有空格或含控制字符")
		}
	}
	text("code", f.Code)
	text("name", f.Name)
	text("class", f.Class)
	if e := f.From.Check(prefix + "/from"); e != nil {
		*es = append(*es, e)
	} else if f.From.IsZero() {
		es.Add(core.FieldRequired, prefix+"/from", "")
	}
	if e := f.To.Check(prefix + "/to"); e != nil {
		*es = append(*es, e)
	} else if !f.To.IsZero() && !f.From.IsZero() && f.To.Before(f.From) {
		es.AddText(core.FieldInvalid, prefix+"/to", "before from", "截止日期早于起始日期")
	}
}

// knownClass adds field_invalid at path unless class is a facility class of some
// policy the ledger holds: a typo in the register would otherwise refuse every claim
// of the institution at the counter.
func (l *Ledger) knownClass(es *core.Errors, path, class string) {
	if class == "" {
		return
	}
	for _, p := range l.eng.Policies() {
		for _, fc := range p.Policy().Classes {
			if fc.Code == class {
				return
			}
		}
	}
	es.AddText(core.FieldInvalid, path, core.Quote(class)+" is a facility class of no policy", "任何补偿方案中都没有机构类别 "+core.Quote(class))
}

// PutFacility records a period of the register, replacing the institution's period
// with the same From.
func (l *Ledger) PutFacility(ctx context.Context, f Facility) (*Facility, error) {
	if err := l.fresh(ctx); err != nil {
		return nil, err
	}
	var es core.Errors
	checkFacility(&es, "", &f)
	l.knownClass(&es, "/class", f.Class)
	if err := es.Err(); err != nil {
		return nil, err
	}
	f.Updated = l.opts.Now().UTC()
	if err := l.store.Update(ctx, func(tx Tx) error { return tx.PutFacility(ctx, f) }); err != nil {
		return nil, err
	}
	return &f, nil
}

// Facilities lists the register: an institution's periods, or all when code is "".
func (l *Ledger) Facilities(ctx context.Context, code string) ([]Facility, error) {
	var fs []Facility
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		fs, err = tx.Facilities(ctx, code)
		return err
	})
	return fs, err
}

// facilityHeader is the register CSV's header row.
var facilityHeader = []string{"code", "name", "class", "township", "inCounty", "designated", "from", "to"}

// MaxFacilityRows bounds a register CSV; a county has hundreds of institutions.
const MaxFacilityRows = 100000

// ImportFacilities reads a register CSV (header code,name,class,township,inCounty,
// designated,from,to; flags true/false, 1/0 or 是/否; dates YYYY-MM-DD, to may be
// empty; the class one of a held policy's facility classes) and stores every row, or none: every problem is returned with its path
// /rows/{n}/{column}, n counting data rows from 1. It returns the rows stored.
// The file's encoding is detected as a roster's is (UTF-8, or GBK as a spreadsheet
// in China saves it); ImportFacilitiesIn names it.
func (l *Ledger) ImportFacilities(ctx context.Context, r io.Reader) (int, error) {
	return l.ImportFacilitiesIn(ctx, r, EncodingAuto)
}

// ImportFacilitiesIn is ImportFacilities of a file in the encoding enc.
func (l *Ledger) ImportFacilitiesIn(ctx context.Context, r io.Reader, enc Encoding) (int, error) {
	if err := l.fresh(ctx); err != nil {
		return 0, err
	}
	text, err := decodeRoster(r, enc)
	if err != nil {
		return 0, err
	}
	cr := csv.NewReader(text)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return 0, core.Errors{core.NewError(core.RosterEmpty, "/rows", "")}
	} else if err != nil {
		return 0, core.Errors{core.NewErrorText(core.RequestMalformed, "", "reading the CSV: "+err.Error(), "读取表格文件失败")}
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff") // a spreadsheet's byte-order mark
	}
	if strings.Join(head, ",") != strings.Join(facilityHeader, ",") {
		return 0, core.Errors{core.NewErrorText(core.FieldInvalid, "/header", "want "+strings.Join(facilityHeader, ","), "表头应为 "+strconv.Quote(strings.Join(facilityHeader, ",")))}
	}
	var es core.Errors
	var fs []Facility
	seen := map[string]int{}
	now := l.opts.Now().UTC()
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, core.Errors{core.NewErrorText(core.RequestMalformed, "", "reading the CSV: "+err.Error(), "读取表格文件失败")}
		}
		if n > MaxFacilityRows {
			return 0, core.Errors{core.NewErrorText(core.FieldInvalid, "/rows", fmt.Sprintf("more than %d rows", MaxFacilityRows), fmt.Sprintf("超过 %d 行", MaxFacilityRows))}
		}
		p := "/rows/" + strconv.Itoa(n)
		if len(rec) != len(facilityHeader) {
			es.AddText(core.FieldInvalid, p, fmt.Sprintf("%d columns, want %d", len(rec), len(facilityHeader)), fmt.Sprintf("有 %d 列，应为 %d 列", len(rec), len(facilityHeader)))
			continue
		}
		f := Facility{Code: rec[0], Name: rec[1], Class: rec[2], Township: rec[3], Updated: now}
		f.InCounty = flag(&es, p+"/inCounty", rec[4])
		f.Designated = flag(&es, p+"/designated", rec[5])
		f.From = date(&es, p+"/from", rec[6])
		f.To = date(&es, p+"/to", rec[7])
		checkFacility(&es, p, &f)
		l.knownClass(&es, p+"/class", f.Class)
		k := f.Code + "\x1f" + f.From.String()
		if first, ok := seen[k]; ok {
			es.AddText(core.RosterDuplicate, p, fmt.Sprintf("the same code and from as row %d", first), fmt.Sprintf("机构编码和起始日期与第 %d 行相同", first))
		}
		seen[k] = n
		fs = append(fs, f)
	}
	if len(fs) == 0 && len(es) == 0 {
		es.Add(core.RosterEmpty, "/rows", "")
	}
	if err := es.Err(); err != nil {
		return 0, err
	}
	err = l.store.Update(ctx, func(tx Tx) error {
		for _, f := range fs {
			if err := tx.PutFacility(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(fs), nil
}

// flag reads a register flag.
func flag(es *core.Errors, path, v string) bool {
	switch strings.ToLower(v) {
	case "true", "1", "是", "y", "yes":
		return true
	case "false", "0", "否", "n", "no":
		return false
	}
	es.AddText(core.FieldInvalid, path, "want true or false: "+core.Quote(v), `应为 "true"/"false"、1/0 或 是/否：`+core.Quote(v))
	return false
}

// date reads a register date; "" is the zero date.
func date(es *core.Errors, path, v string) civil.Date {
	if v == "" {
		return civil.Date{}
	}
	d, err := civil.Parse(v)
	if err != nil {
		es.AddText(core.FieldInvalid, path, "want YYYY-MM-DD: "+core.Quote(v), "日期应为 YYYY-MM-DD 格式："+core.Quote(v))
	}
	return d
}

// facilityClass puts the register's facility class for the claim's institution on
// day into the claim. A claim without a class gets the register's; a claim with
// another class is refused with facility_class_mismatch rather than silently
// re-priced, so a hospital whose system is set up wrong finds out at the counter.
// An institution missing from the register on that day is facility_unknown when
// the ledger requires the register, and keeps its claim's class otherwise.
func (l *Ledger) facilityClass(ctx context.Context, cl *claim.Claim, day civil.Date) error {
	var fs []Facility
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		fs, err = tx.Facilities(ctx, cl.Visit.Institution)
		return err
	})
	if err != nil {
		return fmt.Errorf("ledger: reading the facility register: %w", err)
	}
	f := effective(fs, day)
	switch {
	case f == nil && l.opts.RequireFacility:
		return core.Errors{apierr.NewError(apierr.FacilityUnknown, "/claim/visit/institution",
			strconv.Quote(cl.Visit.Institution)+", "+day.String())}
	case f == nil:
		return nil
	case cl.Visit.Class == "":
		cl.Visit.Class = f.Class
	case cl.Visit.Class != f.Class:
		return core.Errors{apierr.NewError(apierr.FacilityClassMismatch, "/claim/visit/class",
			fmt.Sprintf("%q, %s: %q ≠ %q", f.Code, day, f.Class, cl.Visit.Class))}
	}
	return nil
}
