-- Manual claims (手工报销): a settlement the county or township office records on the
-- patient's receipts, paid to their bank card (the card number kept masked).

CREATE TABLE manual_claims (
	seq    INTEGER NOT NULL PRIMARY KEY REFERENCES entries (seq),
	holder TEXT    NOT NULL,
	bank   TEXT    NOT NULL,
	card   TEXT    NOT NULL
) STRICT;

-- Every invoice of a manual claim, found by the duplicate-invoice check beside
-- entries.invoice.
CREATE TABLE manual_invoices (
	seq         INTEGER NOT NULL REFERENCES manual_claims (seq),
	position    INTEGER NOT NULL,
	institution TEXT    NOT NULL,
	invoice     TEXT    NOT NULL,
	issued      TEXT    NOT NULL,
	PRIMARY KEY (seq, position)
) STRICT;
CREATE INDEX manual_invoices_invoice ON manual_invoices (institution, invoice, seq);

-- Part of the journal: append-only.
CREATE TRIGGER manual_claims_no_update BEFORE UPDATE ON manual_claims
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER manual_claims_no_delete BEFORE DELETE ON manual_claims
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER manual_invoices_no_update BEFORE UPDATE ON manual_invoices
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER manual_invoices_no_delete BEFORE DELETE ON manual_invoices
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
