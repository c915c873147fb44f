package api

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// listQuery reads the query string of a list route. Each parameter is read once by
// name; unknown parameters are refused, so that a misspelt filter is not silently
// ignored and the whole list returned.
type listQuery struct {
	q    url.Values
	seen map[string]bool
	es   core.Errors
}

func newListQuery(q url.Values) *listQuery { return &listQuery{q: q, seen: map[string]bool{}} }

// str returns a parameter's value, refusing it when repeated.
func (l *listQuery) str(name string) string {
	l.seen[name] = true
	vs := l.q[name]
	if len(vs) > 1 {
		l.es.AddText(core.FieldInvalid, "/"+name, "given more than once", "重复给出")
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func (l *listQuery) date(name string) civil.Date {
	v := l.str(name)
	if v == "" {
		return civil.Date{}
	}
	d, err := civil.Parse(v)
	if err != nil {
		l.es = append(l.es, core.AsErrors(core.Prefix(err, "/"+name))...)
	}
	return d
}

func (l *listQuery) amount(name string) *money.Amount {
	v := l.str(name)
	if v == "" {
		return nil
	}
	a, err := money.ParseAmount(v)
	if err != nil {
		l.es = append(l.es, core.AsErrors(core.Prefix(err, "/"+name))...)
		return nil
	}
	return &a
}

func (l *listQuery) oneOf(name string, allowed ...string) string {
	v := l.str(name)
	if v != "" && !slices.Contains(allowed, v) {
		l.es = append(l.es, core.NotOneOf("/"+name, v, allowed...))
	}
	return v
}

// limit reads limit: 1 to ledger.MaxListLimit, ledger.DefaultListLimit when absent.
func (l *listQuery) limit() int {
	v := l.str("limit")
	if v == "" {
		return ledger.DefaultListLimit
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > ledger.MaxListLimit {
		l.es.AddText(core.FieldInvalid, "/limit", core.Quote(v)+" is not a whole number from 1 to "+strconv.Itoa(ledger.MaxListLimit),
			core.Quote(v)+" 不是 1 至 "+strconv.Itoa(ledger.MaxListLimit)+" 的整数")
		return ledger.DefaultListLimit
	}
	return n
}

// Cursors are opaque to clients: base64url of a tag naming the list and the sort key
// of the last row sent, so that a cursor of one list is refused by another.
func encodeCursor(tag, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tag + ":" + key))
}

// cursor reads cursor for the list tag and returns its key, "" for the first page.
func (l *listQuery) cursor(tag string) string {
	v := l.str("cursor")
	if v == "" {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	key, ok := strings.CutPrefix(string(b), tag+":")
	if err != nil || !ok || key == "" {
		l.badCursor()
		return ""
	}
	return key
}

// badCursor records that cursor is not one of this list's.
func (l *listQuery) badCursor() {
	l.es.AddText(core.FieldInvalid, "/cursor", "not a cursor of this list (pass next as it was returned)", "不是本列表的游标（请原样传回上一页给出的游标）")
}

// seqCursor reads a cursor whose key is a journal sequence number.
func (l *listQuery) seqCursor(tag string) int64 {
	key := l.cursor(tag)
	if key == "" {
		return 0
	}
	n, err := strconv.ParseInt(key, 10, 64)
	if err != nil || n < 1 {
		l.badCursor()
		return 0
	}
	return n
}

// err returns the problems found, unknown parameters included.
func (l *listQuery) err() error {
	var unknown []string
	for name := range l.q {
		if !l.seen[name] {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		l.es.AddText(core.RequestUnknownField, "/"+name, "not a parameter of this list", "不是本列表的参数")
	}
	return l.es.Err()
}

// page is the result of a list route: the rows and, when more follow, the cursor
// of the next page.
type page[T any] struct {
	Items []T    `json:"items"`
	Limit int    `json:"limit"`
	Next  string `json:"next,omitzero"`
}
