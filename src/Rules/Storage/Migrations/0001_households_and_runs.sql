-- Household snapshots per insurer and fiscal year, assessment runs and their results.
-- Every amount is integer yen (bigint); every date is a calendar date.

CREATE TABLE insurers (
    insurer_id            text PRIMARY KEY,
    name                  text NOT NULL,
    local_government_code char(6) NOT NULL
);

-- A fiscal year's snapshot of an insurer's households (the prior-year incomes of that year).
CREATE TABLE fiscal_years (
    insurer_id  text NOT NULL REFERENCES insurers,
    fiscal_year int NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (insurer_id, fiscal_year)
);

CREATE TABLE households (
    insurer_id    text NOT NULL,
    fiscal_year   int NOT NULL,
    household_seq bigint NOT NULL,
    household_id  text NOT NULL,
    head_id       text,
    PRIMARY KEY (insurer_id, fiscal_year, household_seq),
    UNIQUE (insurer_id, fiscal_year, household_id),
    FOREIGN KEY (insurer_id, fiscal_year) REFERENCES fiscal_years
);

-- Members as the core system sends them; checked when assessed, so that a bad one is reported, not lost.
CREATE TABLE members (
    insurer_id                 text NOT NULL,
    fiscal_year                int NOT NULL,
    household_seq              bigint NOT NULL,
    member_no                  smallint NOT NULL,
    member_id                  text,
    birth_date                 date,
    specified_same_household   boolean,
    specified_since            date,
    separation_date            date,
    separation_reason          text,
    former_dependant_acquired  date,
    childbirth_dates           date[],
    childbirth_multiple        boolean[],
    PRIMARY KEY (insurer_id, fiscal_year, household_seq, member_no)
);

CREATE TABLE coverage_periods (
    insurer_id    text NOT NULL,
    fiscal_year   int NOT NULL,
    household_seq bigint NOT NULL,
    member_no     smallint NOT NULL,
    period_no     smallint NOT NULL,
    acquired      date,
    lost          date,
    PRIMARY KEY (insurer_id, fiscal_year, household_seq, member_no, period_no)
);

CREATE TABLE incomes (
    insurer_id                        text NOT NULL,
    fiscal_year                       int NOT NULL,
    household_seq                     bigint NOT NULL,
    member_no                         smallint NOT NULL,
    declared                          boolean,
    total_income                      bigint,
    combined_income                   bigint,
    salary_revenue                    bigint,
    salary_income                     bigint,
    pension_revenue                   bigint,
    pension_income                    bigint,
    family_employee_salary_deduction  bigint,
    transfer_income_special_deduction bigint,
    PRIMARY KEY (insurer_id, fiscal_year, household_seq, member_no)
);

-- A run assesses every household of a fiscal year with one rule set (version and hash recorded).
CREATE TABLE assessment_runs (
    run_id          bigserial PRIMARY KEY,
    insurer_id      text NOT NULL,
    fiscal_year     int NOT NULL,
    ruleset_version text NOT NULL,
    ruleset_hash    text NOT NULL,
    component_names text[] NOT NULL,
    trial           boolean NOT NULL,
    chunk_size      int NOT NULL,
    households      bigint NOT NULL,
    status          text NOT NULL CHECK (status IN ('running', 'done')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL,
    finished_at     timestamptz,
    FOREIGN KEY (insurer_id, fiscal_year) REFERENCES fiscal_years
);

-- Ranges of households that workers claim (SELECT … FOR UPDATE SKIP LOCKED) and finish in one transaction.
CREATE TABLE run_chunks (
    run_id    bigint NOT NULL REFERENCES assessment_runs,
    chunk_no  int NOT NULL,
    first_seq bigint NOT NULL,
    last_seq  bigint NOT NULL,
    status    text NOT NULL CHECK (status IN ('pending', 'done')),
    worker    text,
    done_at   timestamptz,
    PRIMARY KEY (run_id, chunk_no)
);

-- One row per household and run: assessed exactly once (the key forbids a second).
CREATE TABLE assessment_results (
    run_id            bigint NOT NULL,
    household_seq     bigint NOT NULL,
    household_id      text NOT NULL,
    annual_premium    bigint NOT NULL,
    reduction_class   text NOT NULL,
    component_amounts bigint[] NOT NULL,
    at_cap            boolean NOT NULL,
    ruleset_version   text NOT NULL,
    ruleset_hash      text NOT NULL,
    PRIMARY KEY (run_id, household_seq)
);

-- Households refused by a run, with the reasons (field and message), never their data.
CREATE TABLE run_errors (
    run_id        bigint NOT NULL,
    household_seq bigint NOT NULL,
    household_id  text,
    errors        jsonb NOT NULL,
    PRIMARY KEY (run_id, household_seq)
);
