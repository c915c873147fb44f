-- The county's books (RULES §4, issue 14): the statements of what the fund owes each
-- institution for the settlements it advanced, the auditor's deductions (违规扣款),
-- the county's approvals, payment batches for the bank and their payment, and
-- year-end closes. Every table is append-only like the journal: a statement's state
-- (issued, approved, batched, paid) is which rows name it, never an updated column.
-- Numbered 0012, not 0003: other branches add migrations meanwhile, and numbers only
-- have to increase.

CREATE TABLE statements (
	id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	institution    TEXT    NOT NULL,
	period_from    TEXT    NOT NULL,
	period_to      TEXT    NOT NULL,
	figures        TEXT    NOT NULL,
	amount         TEXT    NOT NULL,
	recorded       TEXT    NOT NULL,
	actor          TEXT    NOT NULL,
	UNIQUE (institution, period_from, period_to)
);
CREATE INDEX statements_period ON statements (period_from, institution);

CREATE TABLE deductions (
	id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	statement BIGINT  NOT NULL REFERENCES statements (id),
	amount    TEXT    NOT NULL,
	reason    TEXT    NOT NULL,
	entries   TEXT    NOT NULL,
	recorded  TEXT    NOT NULL,
	actor     TEXT    NOT NULL
);
CREATE INDEX deductions_statement ON deductions (statement, id);

CREATE TABLE approvals (
	statement BIGINT  NOT NULL PRIMARY KEY REFERENCES statements (id),
	deducted  TEXT    NOT NULL,
	amount    TEXT    NOT NULL,
	recorded  TEXT    NOT NULL,
	actor     TEXT    NOT NULL
);

CREATE TABLE payment_batches (
	id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	idempotency_key TEXT    NOT NULL UNIQUE,
	request_hash    TEXT    NOT NULL,
	total           TEXT    NOT NULL,
	recorded        TEXT    NOT NULL,
	actor           TEXT    NOT NULL
);

-- A statement is in one batch at most: the database refuses paying it twice.
CREATE TABLE batch_items (
	batch       BIGINT  NOT NULL REFERENCES payment_batches (id),
	statement   BIGINT  NOT NULL UNIQUE REFERENCES approvals (statement),
	institution TEXT    NOT NULL,
	amount      TEXT    NOT NULL,
	PRIMARY KEY (batch, statement)
);

CREATE TABLE payments (
	batch     BIGINT  NOT NULL PRIMARY KEY REFERENCES payment_batches (id),
	paid_on   TEXT    NOT NULL,
	reference TEXT    NOT NULL,
	recorded  TEXT    NOT NULL,
	actor     TEXT    NOT NULL
);

CREATE TABLE year_closes (
	year     INTEGER NOT NULL PRIMARY KEY,
	figures  TEXT    NOT NULL,
	recorded TEXT    NOT NULL,
	actor    TEXT    NOT NULL
);

CREATE TRIGGER statements_append_only BEFORE UPDATE OR DELETE ON statements
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER statements_no_truncate BEFORE TRUNCATE ON statements
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER deductions_append_only BEFORE UPDATE OR DELETE ON deductions
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER deductions_no_truncate BEFORE TRUNCATE ON deductions
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER approvals_append_only BEFORE UPDATE OR DELETE ON approvals
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER approvals_no_truncate BEFORE TRUNCATE ON approvals
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER payment_batches_append_only BEFORE UPDATE OR DELETE ON payment_batches
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER payment_batches_no_truncate BEFORE TRUNCATE ON payment_batches
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER batch_items_append_only BEFORE UPDATE OR DELETE ON batch_items
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER batch_items_no_truncate BEFORE TRUNCATE ON batch_items
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER payments_no_truncate BEFORE TRUNCATE ON payments
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER year_closes_append_only BEFORE UPDATE OR DELETE ON year_closes
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER year_closes_no_truncate BEFORE TRUNCATE ON year_closes
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
