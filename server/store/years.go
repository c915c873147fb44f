package store

import (
	"context"
	"strconv"

	"github.com/ruralhealth/ncms/server/ledger"
)

// Year-end closes (年终结算): one row per closed year, never changed.

func (t *txn) CloseYear(ctx context.Context, c ledger.YearClose) error {
	what := "closing " + strconv.Itoa(c.Year)
	qctx, err := t.begin(ctx, what, true)
	if err != nil {
		return err
	}
	var e encoder
	figures, recorded := e.json(c.Figures), e.time(c.Recorded)
	if err := e.err(); err != nil {
		return fail(ctx, what, err)
	}
	err = t.rawExec(qctx, `INSERT INTO year_closes (year, figures, recorded, actor) VALUES (?, ?, ?, ?)`,
		c.Year, figures, recorded, c.Actor)
	if err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) YearClose(ctx context.Context, year int) (*ledger.YearClose, error) {
	what := "the close of " + strconv.Itoa(year)
	qctx, err := t.begin(ctx, what, false)
	if err != nil {
		return nil, err
	}
	var c ledger.YearClose
	var figures, recorded string
	err = t.rawRow(qctx, `SELECT year, figures, recorded, actor FROM year_closes WHERE year = ?`, year).
		Scan(&c.Year, &figures, &recorded, &c.Actor)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	var d decoder
	d.check("figures", decodeJSON(figures, &c.Figures))
	c.Recorded, err = parseTime(recorded)
	d.check("recorded", err)
	if err := d.err(what); err != nil {
		return nil, fail(ctx, what, err)
	}
	if c.Figures.Funds == nil {
		c.Figures.Funds = []ledger.FundPaid{}
	}
	return &c, nil
}
