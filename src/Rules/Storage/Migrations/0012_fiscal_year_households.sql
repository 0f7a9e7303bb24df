-- The number of households a load stored (issue 17: nothing per run that the load already knows). `kokuho load`
-- sets it in the transaction that replaces the year's households; a run reads it instead of counting the year's
-- households (a scan of 600k index entries and their heap pages on every run). Null for a year loaded before this
-- migration: a run then counts.
ALTER TABLE fiscal_years ADD COLUMN IF NOT EXISTS households bigint;
