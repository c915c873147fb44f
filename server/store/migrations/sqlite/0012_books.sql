-- The county's books (RULES §4, issue 14): the statements of what the fund owes each
-- institution for the settlements it advanced, the auditor's deductions (违规扣款),
-- the county's approvals, payment batches for the bank and their payment, and
-- year-end closes. Every table is append-only like the journal: a statement's state
-- (issued, approved, batched, paid) is which rows name it, never an updated column.
-- Numbered 0012, not 0003: other branches add migrations meanwhile, and numbers only
-- have to increase.

CREATE TABLE statements (
	id             INTEGER PRIMARY KEY,
	institution    TEXT    NOT NULL,
	period_from    TEXT    NOT NULL,
	period_to      TEXT    NOT NULL,
	figures        TEXT    NOT NULL,
	amount         TEXT    NOT NULL,
	recorded       TEXT    NOT NULL,
	actor          TEXT    NOT NULL,
	UNIQUE (institution, period_from, period_to)
) STRICT;
CREATE INDEX statements_period ON statements (period_from, institution);

CREATE TABLE deductions (
	id        INTEGER PRIMARY KEY,
	statement INTEGER NOT NULL REFERENCES statements (id),
	amount    TEXT    NOT NULL,
	reason    TEXT    NOT NULL,
	entries   TEXT    NOT NULL,
	recorded  TEXT    NOT NULL,
	actor     TEXT    NOT NULL
) STRICT;
CREATE INDEX deductions_statement ON deductions (statement, id);

CREATE TABLE approvals (
	statement INTEGER NOT NULL PRIMARY KEY REFERENCES statements (id),
	deducted  TEXT    NOT NULL,
	amount    TEXT    NOT NULL,
	recorded  TEXT    NOT NULL,
	actor     TEXT    NOT NULL
) STRICT;

CREATE TABLE payment_batches (
	id              INTEGER PRIMARY KEY,
	idempotency_key TEXT    NOT NULL UNIQUE,
	request_hash    TEXT    NOT NULL,
	total           TEXT    NOT NULL,
	recorded        TEXT    NOT NULL,
	actor           TEXT    NOT NULL
) STRICT;

-- A statement is in one batch at most: the database refuses paying it twice.
CREATE TABLE batch_items (
	batch       INTEGER NOT NULL REFERENCES payment_batches (id),
	statement   INTEGER NOT NULL UNIQUE REFERENCES approvals (statement),
	institution TEXT    NOT NULL,
	amount      TEXT    NOT NULL,
	PRIMARY KEY (batch, statement)
) STRICT;

CREATE TABLE payments (
	batch     INTEGER NOT NULL PRIMARY KEY REFERENCES payment_batches (id),
	paid_on   TEXT    NOT NULL,
	reference TEXT    NOT NULL,
	recorded  TEXT    NOT NULL,
	actor     TEXT    NOT NULL
) STRICT;

CREATE TABLE year_closes (
	year     INTEGER NOT NULL PRIMARY KEY,
	figures  TEXT    NOT NULL,
	recorded TEXT    NOT NULL,
	actor    TEXT    NOT NULL
) STRICT;

CREATE TRIGGER statements_no_update BEFORE UPDATE ON statements
BEGIN SELECT RAISE(ABORT, 'statements are append-only'); END;
CREATE TRIGGER statements_no_delete BEFORE DELETE ON statements
BEGIN SELECT RAISE(ABORT, 'statements are append-only'); END;
CREATE TRIGGER deductions_no_update BEFORE UPDATE ON deductions
BEGIN SELECT RAISE(ABORT, 'deductions are append-only'); END;
CREATE TRIGGER deductions_no_delete BEFORE DELETE ON deductions
BEGIN SELECT RAISE(ABORT, 'deductions are append-only'); END;
CREATE TRIGGER approvals_no_update BEFORE UPDATE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER payment_batches_no_update BEFORE UPDATE ON payment_batches
BEGIN SELECT RAISE(ABORT, 'payment batches are append-only'); END;
CREATE TRIGGER payment_batches_no_delete BEFORE DELETE ON payment_batches
BEGIN SELECT RAISE(ABORT, 'payment batches are append-only'); END;
CREATE TRIGGER batch_items_no_update BEFORE UPDATE ON batch_items
BEGIN SELECT RAISE(ABORT, 'batch items are append-only'); END;
CREATE TRIGGER batch_items_no_delete BEFORE DELETE ON batch_items
BEGIN SELECT RAISE(ABORT, 'batch items are append-only'); END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER year_closes_no_update BEFORE UPDATE ON year_closes
BEGIN SELECT RAISE(ABORT, 'year closes are append-only'); END;
CREATE TRIGGER year_closes_no_delete BEFORE DELETE ON year_closes
BEGIN SELECT RAISE(ABORT, 'year closes are append-only'); END;
