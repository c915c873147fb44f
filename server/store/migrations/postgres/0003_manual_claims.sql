-- Manual claims (手工报销): a settlement the county or township office records on the
-- patient's receipts, paid to their bank card (the card number kept masked).

CREATE TABLE manual_claims (
	seq    BIGINT NOT NULL PRIMARY KEY REFERENCES entries (seq),
	holder TEXT   NOT NULL,
	bank   TEXT   NOT NULL,
	card   TEXT   NOT NULL
);

-- Every invoice of a manual claim, found by the duplicate-invoice check beside
-- entries.invoice.
CREATE TABLE manual_invoices (
	seq         BIGINT  NOT NULL REFERENCES manual_claims (seq),
	position    INTEGER NOT NULL,
	institution TEXT    NOT NULL,
	invoice     TEXT    NOT NULL,
	issued      TEXT    NOT NULL,
	PRIMARY KEY (seq, position)
);
CREATE INDEX manual_invoices_invoice ON manual_invoices (institution, invoice, seq);

-- Part of the journal: append-only.
CREATE TRIGGER manual_claims_append_only BEFORE UPDATE OR DELETE ON manual_claims
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER manual_claims_no_truncate BEFORE TRUNCATE ON manual_claims
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER manual_invoices_append_only BEFORE UPDATE OR DELETE ON manual_invoices
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER manual_invoices_no_truncate BEFORE TRUNCATE ON manual_invoices
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
