-- The checkout desk: operators and their sessions, the facility register, and the
-- journal's operator and invoice columns.

ALTER TABLE entries ADD COLUMN operator TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN invoice  TEXT NOT NULL DEFAULT '';
-- A live settlement of an invoice at an institution is found by this index.
CREATE INDEX entries_invoice ON entries (institution, invoice, seq) WHERE invoice <> '';

CREATE TABLE operators (
	id            TEXT    NOT NULL PRIMARY KEY,
	login         TEXT    NOT NULL UNIQUE,
	name          TEXT    NOT NULL,
	role          TEXT    NOT NULL,
	institution   TEXT    NOT NULL,
	disabled      BOOLEAN NOT NULL,
	created       TEXT    NOT NULL,
	password_hash TEXT    NOT NULL,
	failures      INTEGER NOT NULL,
	locked_until  TEXT    NOT NULL
);

CREATE TABLE sessions (
	hash      TEXT NOT NULL PRIMARY KEY,
	operator  TEXT NOT NULL REFERENCES operators (id),
	csrf_hash TEXT NOT NULL,
	created   TEXT NOT NULL,
	expires   TEXT NOT NULL
);
CREATE INDEX sessions_operator ON sessions (operator);

CREATE TABLE facilities (
	code       TEXT    NOT NULL,
	valid_from TEXT    NOT NULL,
	valid_to   TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	class      TEXT    NOT NULL,
	township   TEXT    NOT NULL,
	in_county  BOOLEAN NOT NULL,
	designated BOOLEAN NOT NULL,
	updated    TEXT    NOT NULL,
	PRIMARY KEY (code, valid_from)
);
