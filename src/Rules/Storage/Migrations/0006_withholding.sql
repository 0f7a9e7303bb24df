-- 特別徴収 (issue 13): the inputs of the withholding determination and its results (kokuho reassess --db --withholding).
-- Inputs are stored as the core system sends them and checked when a run determines them, like every other field;
-- has_* record that an object was sent (an empty one is refused by the run, never taken for an absent one).

-- A member's pension from which 介護保険料 is withheld (the household contract's member.pension).
ALTER TABLE members
    ADD COLUMN has_pension              boolean NOT NULL DEFAULT false,
    ADD COLUMN pension_annual_amount    bigint,
    ADD COLUMN pension_care_withheld    boolean,
    ADD COLUMN pension_care_per_payment bigint,
    ADD COLUMN pension_suspended        boolean,
    ADD COLUMN pension_pledged          boolean;

-- A household's withholding fields (the batch line's household.withholding).
ALTER TABLE households
    ADD COLUMN has_withholding            boolean NOT NULL DEFAULT false,
    ADD COLUMN has_previous_year          boolean NOT NULL DEFAULT false,
    ADD COLUMN previous_annual_premium    bigint,
    ADD COLUMN previous_february_withheld bigint,
    ADD COLUMN direct_debit_requested     boolean,
    ADD COLUMN withholding_start_month    int;

-- A run with --withholding records its withholding rule set (null: a premium-only run); a resume keeps it.
ALTER TABLE assessment_runs
    ADD COLUMN withholding_ruleset_version text,
    ADD COLUMN withholding_ruleset_hash    text;

-- Each chunk's withholding totals (BatchSummary.Withholding as JSON), summed into the run's summary.
ALTER TABLE run_chunks ADD COLUMN withholding_totals jsonb;

-- One row per household and withholding run, beside its assessment_results row (the same key).
-- pension_amounts: the six pension months in month order (April, June, August, October, December, February);
-- ordinary_amounts: one per installment slot of the premium rule set (0 when not billed by 普通徴収).
CREATE TABLE withholding_results (
    run_id            bigint NOT NULL,
    household_seq     bigint NOT NULL,
    household_id      text NOT NULL,
    eligible          boolean NOT NULL,
    status            text NOT NULL,
    start_month       smallint,
    pension_amounts   bigint[] NOT NULL,
    ordinary_amounts  bigint[] NOT NULL,
    provisional_total bigint NOT NULL,
    definitive_total  bigint NOT NULL,
    ordinary_total    bigint NOT NULL,
    overpaid          bigint NOT NULL,
    ruleset_version   text NOT NULL,
    ruleset_hash      text NOT NULL,
    PRIMARY KEY (run_id, household_seq)
);
