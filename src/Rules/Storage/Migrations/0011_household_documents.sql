-- Each household as loaded (issue 17 item 3): the contract's JSON of the household (the serializer's form of what the core
-- system sent, written by `kokuho load` in the same COPY as the four tables), one per household and fiscal year. The
-- batch (`reassess --db`) reads a chunk's documents with one range query and reads each with the file batch's own
-- reader, inside its COPY loop. The four tables stay: they are what staff query (members, incomes, coverage periods).
-- Null for a household loaded before this migration: the batch then rebuilds its document from the four tables.
ALTER TABLE households ADD COLUMN IF NOT EXISTS document bytea;
