-- 高額療養費 (issue 14): each city's benefit months — the history the 多数回 count reads — as `kokuho high-cost
-- benefits --db` stores them, the months a move-in city takes over from the move-out city (転出地市区町村高額該当情報)
-- as `kokuho high-cost continuity --db` stores them, that batch's decisions (継続世帯確定リスト), and the runs. Households
-- and persons are ids and pseudonymous keys only: there is no column for a 個人番号.

-- A run (who, when, which rule set and hash); a trial run (試算) stores its run and decisions but never benefit months.
CREATE TABLE high_cost_runs (
    run_id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind               text        NOT NULL CHECK (kind IN ('benefits', 'continuity')),
    insurer            text        NOT NULL, -- the city (benefits) or the prefecture (continuity)
    month              date        NOT NULL, -- the care month (benefits) or the month of the moves (continuity), its first day
    ruleset_version    text        NOT NULL,
    ruleset_hash       text        NOT NULL,
    trial              boolean     NOT NULL,
    created_by         text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    source_sha256      text        NOT NULL, -- the --in file
    households         bigint      NOT NULL DEFAULT 0, -- benefits: households computed; continuity: candidates decided
    refused_lines      bigint      NOT NULL DEFAULT 0,
    benefit_months     bigint      NOT NULL DEFAULT 0  -- benefit months stored (benefits) or months handed over (continuity)
);
CREATE INDEX high_cost_runs_month ON high_cost_runs (kind, insurer, month, run_id);

-- A household's benefit month in the city that holds its history (insurer). paid_by is the city that paid it: the
-- insurer itself, or for a month taken over after an in-prefecture move the move-out city. A benefits run replaces the
-- city's own months of its care month; a continuity run replaces the months taken over by an earlier run of the same
-- prefecture and month.
CREATE TABLE high_cost_benefit_months (
    insurer         text    NOT NULL,
    household_id    text    NOT NULL,
    care_month      date    NOT NULL,
    paid_by         text    NOT NULL,
    benefit_paid    bigint  NOT NULL CHECK (benefit_paid >= 0),
    outpatient_only boolean NOT NULL,
    run_id          bigint  NOT NULL REFERENCES high_cost_runs (run_id),
    PRIMARY KEY (insurer, household_id, care_month, paid_by)
);
CREATE INDEX high_cost_benefit_months_run ON high_cost_benefit_months (run_id);

-- A continuity run's decision per candidate household: the criterion that decided it, its rule and reference, and the
-- facts it joined (JSON, keys and kinds only).
CREATE TABLE high_cost_decisions (
    run_id                bigint  NOT NULL REFERENCES high_cost_runs (run_id),
    case_id               text    NOT NULL,
    move_out_insurer      text    NOT NULL,
    move_out_household_id text    NOT NULL,
    move_in_prefecture    text    NOT NULL,
    move_in_insurer       text    NOT NULL,
    move_in_household_id  text    NOT NULL,
    continuous            boolean NOT NULL,
    criterion             text    NOT NULL,
    rule                  text    NOT NULL,
    reference             text    NOT NULL,
    confirmed             boolean NOT NULL,
    facts                 jsonb   NOT NULL,
    PRIMARY KEY (run_id, case_id)
);
