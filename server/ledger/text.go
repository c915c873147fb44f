package ledger

import (
	"context"
	"errors"
	"io"
	"iter"
	"math"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/text"
)

// Limits of the free-text fields, in characters (Unicode code points, as JSON
// Schema's maxLength counts them). openapi.json states each as the field's
// maxLength. They are far above any real value and far below the 8 MiB a request may
// carry, so one field cannot fill a page, a log line or the notice.
const (
	// MaxCodeLen bounds identifiers and codes: household ids, the institution codes
	// of keys, certificate numbers, categories, tiers, roster row numbers, phones.
	// (A claim's visit id and institution are the core's: claim.MaxText.)
	MaxCodeLen = 64
	// MaxNameLen bounds the names of people, townships, villages and API keys.
	MaxNameLen = 64
	// MaxAddressLen bounds an address (居住地址).
	MaxAddressLen = 200
	// MaxReasonLen bounds the reason a clerk gives for a reversal.
	MaxReasonLen = 500
)

// checkText adds text.Check's error, if any, to es and reports whether s passed.
// Every boundary of the ledger checks its text with it, and CheckStoredText reads
// back stored text with text.Check.
func checkText(es *core.Errors, path, s string, max int) bool {
	if e := text.Check(path, s, max); e != nil {
		*es = append(*es, e)
		return false
	}
	return true
}

// StoredText is one stored text value, for CheckStoredText.
type StoredText struct {
	Table, Column string
	// Key names the row: a sequence number, an id, or a masked resident ID.
	Key   string
	Value string
	// Max is the column's limit; 0 marks JSON text, each string of which is
	// checked without a limit.
	Max int
}

// TextScanner is a Store that can list its stored free text: the columns a
// request's text reaches.
type TextScanner interface {
	Texts(ctx context.Context) iter.Seq2[StoredText, error]
}

// BadText is a stored text value that text.Check refuses.
type BadText struct {
	Table, Column, Key string
	Problem            *core.Error
}

// CheckStoredText yields every stored text value that text.Check refuses: text
// stored before the boundaries checked it, or written by another client.
func CheckStoredText(ctx context.Context, s Store) iter.Seq2[BadText, error] {
	return func(yield func(BadText, error) bool) {
		ts, ok := s.(TextScanner)
		if !ok {
			yield(BadText{}, errors.New("ledger: this store cannot list its text"))
			return
		}
		for t, err := range ts.Texts(ctx) {
			if err != nil {
				yield(BadText{}, err)
				return
			}
			if e := checkStored(t); e != nil && !yield(BadText{Table: t.Table, Column: t.Column, Key: t.Key, Problem: e}, nil) {
				return
			}
		}
	}
}

// checkStored checks one stored value: plain text against its limit, JSON text as
// text and each of its strings without one.
func checkStored(t StoredText) *core.Error {
	if t.Max > 0 {
		return text.Check("", t.Value, t.Max)
	}
	if e := text.Check("", t.Value, math.MaxInt); e != nil {
		return e
	}
	d := jsontext.NewDecoder(strings.NewReader(t.Value))
	for {
		tok, err := d.ReadToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return core.NewErrorDetail(core.FieldTextInvalid, "", "not JSON: "+err.Error(), "不是有效的 JSON")
		}
		if tok.Kind() == '"' {
			if e := text.Check(string(d.StackPointer()), tok.String(), math.MaxInt); e != nil {
				return e
			}
		}
	}
}
