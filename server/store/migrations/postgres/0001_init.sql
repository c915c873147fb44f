-- The journal, the derived totals, the registry, card events, policies and API keys.
-- The same tables as migrations/sqlite/0001_init.sql, in PostgreSQL's types: amounts
-- are decimal TEXT, dates YYYY-MM-DD TEXT ('' for none), instants RFC 3339 TEXT in
-- UTC with nine fraction digits (timestamptz keeps only microseconds), nested values
-- JSON TEXT.

CREATE TABLE entries (
	seq            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind           TEXT    NOT NULL,
	reverses       BIGINT  REFERENCES entries (seq),
	corrects       BIGINT  REFERENCES entries (seq),
	institution    TEXT    NOT NULL,
	visit          TEXT    NOT NULL,
	person         TEXT    NOT NULL,
	household      TEXT    NOT NULL,
	township       TEXT    NOT NULL,
	year           INTEGER NOT NULL,
	visit_type     TEXT    NOT NULL,
	class          TEXT    NOT NULL,
	admission      TEXT    NOT NULL,
	discharge      TEXT    NOT NULL,
	disease        TEXT    NOT NULL,
	policy_id      TEXT    NOT NULL,
	policy_version TEXT    NOT NULL,
	policy_hash    TEXT    NOT NULL,
	bill_hash      TEXT    NOT NULL,
	eligible       BOOLEAN NOT NULL,
	route          TEXT    NOT NULL,
	total          TEXT    NOT NULL,
	drug           TEXT    NOT NULL,
	fund_total     TEXT    NOT NULL,
	cash           TEXT    NOT NULL,
	funds          TEXT    NOT NULL,
	warnings       TEXT    NOT NULL,
	delta          TEXT    NOT NULL,
	request        BYTEA   NOT NULL,
	result         BYTEA   NOT NULL,
	recorded       TEXT    NOT NULL,
	key_id         TEXT    NOT NULL,
	reason         TEXT    NOT NULL
);

-- A settlement is reversed at most once; NULLs (settlements) do not collide.
CREATE UNIQUE INDEX entries_reverses ON entries (reverses);
CREATE INDEX entries_visit ON entries (institution, visit, seq);
CREATE INDEX entries_institution ON entries (institution, admission, seq);
CREATE INDEX entries_person ON entries (person, seq);
CREATE INDEX entries_admission ON entries (admission, seq);
CREATE INDEX entries_kind ON entries (kind, seq);

-- The journal and the card events are append-only, whatever client connects.
CREATE FUNCTION ncms_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();

CREATE TABLE totals (
	person TEXT    NOT NULL,
	year   INTEGER NOT NULL,
	totals TEXT    NOT NULL,
	PRIMARY KEY (person, year)
);

CREATE TABLE households (
	id       TEXT NOT NULL PRIMARY KEY,
	head     TEXT NOT NULL,
	township TEXT NOT NULL,
	village  TEXT NOT NULL,
	address  TEXT NOT NULL
);

CREATE TABLE persons (
	id         TEXT NOT NULL PRIMARY KEY,
	name       TEXT NOT NULL,
	household  TEXT NOT NULL,
	category   TEXT NOT NULL,
	birth      TEXT NOT NULL,
	enrollment TEXT NOT NULL
);

CREATE INDEX persons_household ON persons (household, id);

CREATE TABLE card_events (
	seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	number      TEXT NOT NULL,
	owner       TEXT NOT NULL,
	certificate TEXT NOT NULL,
	event       TEXT NOT NULL,
	event_date  TEXT NOT NULL,
	status      TEXT NOT NULL,
	recorded    TEXT NOT NULL,
	key_id      TEXT NOT NULL
);

CREATE INDEX card_events_number ON card_events (number, seq);

CREATE TRIGGER card_events_append_only BEFORE UPDATE OR DELETE ON card_events
	FOR EACH ROW EXECUTE FUNCTION ncms_append_only();
CREATE TRIGGER card_events_no_truncate BEFORE TRUNCATE ON card_events
	FOR EACH STATEMENT EXECUTE FUNCTION ncms_append_only();

CREATE TABLE policies (
	hash     TEXT  NOT NULL PRIMARY KEY,
	id       TEXT  NOT NULL,
	version  TEXT  NOT NULL,
	document BYTEA NOT NULL,
	loaded   TEXT  NOT NULL
);

CREATE TABLE api_keys (
	id          TEXT    NOT NULL PRIMARY KEY,
	hash        TEXT    NOT NULL UNIQUE,
	role        TEXT    NOT NULL,
	institution TEXT    NOT NULL,
	name        TEXT    NOT NULL,
	created     TEXT    NOT NULL,
	revoked     BOOLEAN NOT NULL
);
