-- Households' books: each member's yearly contribution (以户参合) and the household's
-- family account (家庭账户), both append-only. Numbered 22 so that branches adding
-- migrations in parallel (3, 12) merge without renumbering.

CREATE TABLE contributions (
	seq            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	household      TEXT    NOT NULL,
	person         TEXT    NOT NULL,
	year           INTEGER NOT NULL,
	policy_id      TEXT    NOT NULL,
	policy_version TEXT    NOT NULL,
	tier           TEXT    NOT NULL,
	previous_tier  TEXT    NOT NULL,
	category       TEXT    NOT NULL,
	payer          TEXT    NOT NULL,
	subsidy        TEXT    NOT NULL,
	amount         TEXT    NOT NULL,
	family_credit  TEXT    NOT NULL,
	paid_on        TEXT    NOT NULL,
	back_pay       BOOLEAN NOT NULL,
	benefits_from  TEXT    NOT NULL,
	recorded       TEXT    NOT NULL,
	key_id         TEXT    NOT NULL
);

-- One contribution per person and year.
CREATE UNIQUE INDEX contributions_person_year ON contributions (person, year);
CREATE INDEX contributions_household ON contributions (household, year, seq);

CREATE TRIGGER contributions_append_only BEFORE UPDATE OR DELETE ON contributions
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER contributions_no_truncate BEFORE TRUNCATE ON contributions
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();

-- Each credit and debit of a household's account with the balance after it. The
-- balance is the household's newest row's; it is never negative.
CREATE TABLE family_account (
	seq          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	household    TEXT    NOT NULL,
	kind         TEXT    NOT NULL,
	amount       TEXT    NOT NULL CHECK (amount NOT LIKE '-%'),
	balance      TEXT    NOT NULL CHECK (balance NOT LIKE '-%'),
	person       TEXT    NOT NULL,
	year         INTEGER NOT NULL,
	contribution BIGINT  REFERENCES contributions (seq),
	entry        BIGINT  REFERENCES entries (seq),
	recorded     TEXT    NOT NULL
);

CREATE INDEX family_account_household ON family_account (household, seq);
-- A settlement draws once, and its reversal gives back once.
CREATE UNIQUE INDEX family_account_entry ON family_account (entry, kind);

CREATE TRIGGER family_account_append_only BEFORE UPDATE OR DELETE ON family_account
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER family_account_no_truncate BEFORE TRUNCATE ON family_account
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();
