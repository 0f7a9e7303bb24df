-- Each chunk records the totals of its households in the transaction that completes it, so a run's
-- summary is a sum over its chunks (exact after any resume) instead of a scan of its results.
ALTER TABLE run_chunks
    ADD COLUMN households        bigint,
    ADD COLUMN refused           bigint,
    ADD COLUMN annual_premium    bigint,
    ADD COLUMN at_cap            bigint,
    ADD COLUMN component_amounts bigint[],
    ADD COLUMN reduction_classes jsonb;
