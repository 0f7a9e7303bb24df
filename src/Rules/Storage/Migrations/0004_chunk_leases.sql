-- Claims with a lease. A worker claims a chunk in a short committed transaction (status 'claimed', a
-- claim token, claimed_at, lease_until, and the claiming session: its backend pid and start); it writes
-- the chunk's results and marks it done in one transaction that first locks the chunk's row and checks
-- the claim is still its own. A chunk whose lease has run out (a frozen worker) or whose claiming
-- session is gone (a killed worker) may be claimed again by another worker; the first worker's results
-- are then refused, so no household is ever written twice.
ALTER TABLE run_chunks DROP CONSTRAINT run_chunks_status_check;
ALTER TABLE run_chunks ADD CONSTRAINT run_chunks_status_check CHECK (status IN ('pending', 'claimed', 'done'));
ALTER TABLE run_chunks
    ADD COLUMN claim_token uuid,
    ADD COLUMN claimed_by  text,
    ADD COLUMN claimed_at  timestamptz,
    ADD COLUMN lease_until timestamptz,
    ADD COLUMN claimed_pid int,
    ADD COLUMN claimed_backend_start timestamptz,
    ADD COLUMN claims      int NOT NULL DEFAULT 0;
CREATE INDEX run_chunks_open ON run_chunks (run_id, chunk_no) WHERE status <> 'done';
