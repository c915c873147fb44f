package api

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// auditFlagsCursor tags the cursors of GET /v1/reports/audit/flags.
const auditFlagsCursor = "audit-flags"

// flagKey is a flag's place in the list's order: code, then the journal entries
// involved, then institution, month and person (which tell drug-share flags apart).
type flagKey struct {
	code                       string
	seqs                       []int64
	institution, month, person string
}

func keyOf(f report.Flag) flagKey {
	return flagKey{string(f.Code), f.Seqs, f.Institution, f.Month, f.Person}
}

func (a flagKey) compare(b flagKey) int {
	return cmp.Or(strings.Compare(a.code, b.code), slices.Compare(a.seqs, b.seqs),
		strings.Compare(a.institution, b.institution), strings.Compare(a.month, b.month),
		strings.Compare(a.person, b.person))
}

// sep separates a flag key's parts in a cursor; no code, id or month holds it.
const sep = "\x1f"

func (a flagKey) String() string {
	seqs := make([]string, len(a.seqs))
	for i, n := range a.seqs {
		seqs[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join([]string{a.code, strings.Join(seqs, ","), a.institution, a.month, a.person}, sep)
}

// parseFlagKey reads a key String wrote.
func parseFlagKey(s string) (flagKey, bool) {
	parts := strings.Split(s, sep)
	if len(parts) != 5 {
		return flagKey{}, false
	}
	k := flagKey{code: parts[0], institution: parts[2], month: parts[3], person: parts[4]}
	if parts[1] != "" {
		for _, v := range strings.Split(parts[1], ",") {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return flagKey{}, false
			}
			k.seqs = append(k.seqs, n)
		}
	}
	return k, true
}

// flagCodes are the audit's flag codes, for the code filter.
var flagCodes = []string{string(report.FlagDrugShare), string(report.FlagDuplicateBill),
	string(report.FlagOverlappingStay), string(report.FlagWaitingPeriod), string(report.FlagNotEnrolled)}

// listAuditFlags answers GET /v1/reports/audit/flags: the audit's flags for a range
// (month, or from and to), filtered by code, institution and person, in order of
// code and the entries involved, a page at a time. The audit is raised afresh for
// each page: a flag raised by a settlement recorded between two pages sorts into
// its place, and the cursor resumes after the last flag sent whatever came before.
func (s *Server) listAuditFlags(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	q := r.URL.Query()
	lq := newListQuery(q)
	lq.str("month")
	lq.str("from")
	lq.str("to")
	rg, es := reportRange(q)
	lq.es = append(lq.es, es...)
	code := lq.oneOf("code", flagCodes...)
	institution, person := lq.str("institution"), lq.str("person")
	limit := lq.limit()
	var after *flagKey
	if c := lq.cursor(auditFlagsCursor); c != "" {
		if k, ok := parseFlagKey(c); ok {
			after = &k
		} else {
			lq.badCursor()
		}
	}
	if err := lq.err(); err != nil {
		return err
	}
	a, err := s.buildAudit(r.Context(), rg)
	if err != nil {
		return err
	}
	flags := slices.Clone(a.Flags)
	slices.SortStableFunc(flags, func(x, y report.Flag) int { return keyOf(x).compare(keyOf(y)) })
	p := page[report.Flag]{Items: []report.Flag{}, Limit: limit}
	for _, f := range flags {
		switch {
		case after != nil && keyOf(f).compare(*after) <= 0,
			code != "" && string(f.Code) != code,
			institution != "" && f.Institution != institution,
			person != "" && f.Person != person:
			continue
		}
		if len(p.Items) == limit {
			p.Next = encodeCursor(auditFlagsCursor, keyOf(p.Items[len(p.Items)-1]).String())
			break
		}
		p.Items = append(p.Items, f)
	}
	return writeOK(w, http.StatusOK, p)
}
