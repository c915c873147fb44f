package ledger

import (
	"context"
	"errors"
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/apierr"
)

// yearLock names the lock between a year's settlements (shared) and its close
// (exclusive): a settlement either commits before the close reads the journal, or
// sees the close and is refused.
func yearLock(year int) string { return "year\x1f" + strconv.Itoa(year) }

// openYear refuses to record in a closed year (year_closed at path) unless county is
// set: after the close only the county corrects. It holds the year's shared lock.
func openYear(ctx context.Context, tx Tx, year int, county bool, path string) error {
	if err := tx.LockShared(ctx, yearLock(year)); err != nil {
		return err
	}
	c, err := tx.YearClose(ctx, year)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	case county:
		return nil
	}
	return core.Errors{apierr.NewError(apierr.YearClosed, path, strconv.Itoa(c.Year))}
}

// yearFigures sums the journal's entries of the totals year.
func yearFigures(ctx context.Context, tx Tx, year int) (Figures, error) {
	f := NewFigures()
	for e, err := range tx.Entries(ctx, Filter{Year: year}) {
		if err != nil {
			return f, err
		}
		f.Add(e)
	}
	return f, nil
}

// checkYear checks a year of the API.
func checkYear(year int) error {
	if year < 1900 || year > 9999 {
		return core.Errors{core.NewErrorText(core.FieldInvalid, "/year", strconv.Itoa(year)+" is not a year", strconv.Itoa(year)+" 不是年份")}
	}
	return nil
}

// CloseYear closes a year that has ended (in China Standard Time): from then on no
// settlement dated in it is recorded, and only the county's reversals and
// corrections touch it. The close records the year's figures as they stand. Closing
// a closed year returns the close (Replayed).
func (l *Ledger) CloseYear(ctx context.Context, actor string, year int) (*YearClose, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	if year >= l.dayCST().Year {
		return nil, core.Errors{apierr.NewError(apierr.YearNotEnded, "/year", strconv.Itoa(year))}
	}
	var out *YearClose
	err := l.store.Update(ctx, func(tx Tx) error {
		out = nil
		if err := tx.Lock(ctx, yearLock(year)); err != nil {
			return err
		}
		switch c, err := tx.YearClose(ctx, year); {
		case err == nil:
			c.Replayed = true
			out = c
			return nil
		case !errors.Is(err, ErrNotFound):
			return err
		}
		f, err := yearFigures(ctx, tx, year)
		if err != nil {
			return err
		}
		c := YearClose{Year: year, Figures: f, Recorded: l.opts.Now().UTC(), Actor: actor}
		if err := tx.CloseYear(ctx, c); err != nil {
			return err
		}
		out = &c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// YearView is a year's state: its close, if any, and the journal's figures now.
type YearView struct {
	Year   int        `json:"year"`
	Closed bool       `json:"closed"`
	Close  *YearClose `json:"close,omitzero"`
	// Journal is the year's figures now; after a close they differ from the close's
	// by the county's corrections since.
	Journal Figures `json:"journal"`
}

// Year returns a year's state.
func (l *Ledger) Year(ctx context.Context, year int) (*YearView, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	v := &YearView{Year: year}
	err := l.store.View(ctx, func(tx Tx) error {
		c, err := tx.YearClose(ctx, year)
		switch {
		case err == nil:
			v.Closed, v.Close = true, c
		case !errors.Is(err, ErrNotFound):
			return err
		}
		v.Journal, err = yearFigures(ctx, tx, year)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}
