-- Households' books: each member's yearly contribution (以户参合) and the household's
-- family account (家庭账户), both append-only. Numbered 22 so that branches adding
-- migrations in parallel (3, 12) merge without renumbering.

CREATE TABLE contributions (
	seq            INTEGER PRIMARY KEY,
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
	back_pay       INTEGER NOT NULL,
	benefits_from  TEXT    NOT NULL,
	recorded       TEXT    NOT NULL,
	key_id         TEXT    NOT NULL
) STRICT;

-- One contribution per person and year.
CREATE UNIQUE INDEX contributions_person_year ON contributions (person, year);
CREATE INDEX contributions_household ON contributions (household, year, seq);

CREATE TRIGGER contributions_no_update BEFORE UPDATE ON contributions
BEGIN SELECT RAISE(ABORT, 'contributions are append-only'); END;
CREATE TRIGGER contributions_no_delete BEFORE DELETE ON contributions
BEGIN SELECT RAISE(ABORT, 'contributions are append-only'); END;

-- Each credit and debit of a household's account with the balance after it. The
-- balance is the household's newest row's; it is never negative.
CREATE TABLE family_account (
	seq          INTEGER PRIMARY KEY,
	household    TEXT    NOT NULL,
	kind         TEXT    NOT NULL,
	amount       TEXT    NOT NULL CHECK (amount NOT LIKE '-%'),
	balance      TEXT    NOT NULL CHECK (balance NOT LIKE '-%'),
	person       TEXT    NOT NULL,
	year         INTEGER NOT NULL,
	contribution INTEGER REFERENCES contributions (seq),
	entry        INTEGER REFERENCES entries (seq),
	recorded     TEXT    NOT NULL
) STRICT;

CREATE INDEX family_account_household ON family_account (household, seq);
-- A settlement draws once, and its reversal gives back once.
CREATE UNIQUE INDEX family_account_entry ON family_account (entry, kind);

CREATE TRIGGER family_account_no_update BEFORE UPDATE ON family_account
BEGIN SELECT RAISE(ABORT, 'the family account is append-only'); END;
CREATE TRIGGER family_account_no_delete BEFORE DELETE ON family_account
BEGIN SELECT RAISE(ABORT, 'the family account is append-only'); END;
