-- The county console (issue 13): the settlement search's filters each find their
-- rows by an index in the journal's order, and a card event keeps why it was made.
--
-- Each journal index ends in seq, so a filtered page newest first is read from the
-- index in order: no sort, and no scan of the whole journal for a rare value (a
-- household's ten settlements among ten thousand).
CREATE INDEX entries_household ON entries (household, seq);
CREATE INDEX entries_township ON entries (township, seq);
CREATE INDEX entries_institution_seq ON entries (institution, seq);
CREATE INDEX entries_visit_type ON entries (visit_type, seq);
-- A village's settlements and persons are its households'.
CREATE INDEX households_village ON households (village, id);

-- Why a card was reported lost, suspended, cancelled …: the counter's reason.
ALTER TABLE card_events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
