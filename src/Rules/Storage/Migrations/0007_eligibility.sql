-- 資格継続 (issue 15): a prefecture's eligibility records and events as loaded by `kokuho eligibility load`, and the
-- checks run over them by `kokuho eligibility check --db`. Persons are pseudonymous keys only: there is no column for
-- a 個人番号, and a line that looks like it holds one is refused at load (by field, its values never stored).

-- One row per line of the loaded file that was read (a record, or an event when event_kind is set), in file order
-- (seq); a refused line of a person whose key could be kept is a row with refused = true and nothing else, so that a
-- check leaves that person out, as the file check does. A load replaces the prefecture's rows.
CREATE TABLE eligibility_lines (
    prefecture         text    NOT NULL,
    seq                bigint  NOT NULL,
    person_key         text    NOT NULL,
    refused            boolean NOT NULL DEFAULT false,
    record_id          text,
    insurer            text,
    qualified_from     date,
    qualified_until    date,
    applied_from       date,
    applied_until      date,
    acquisition_reason text,
    loss_reason        text,
    event_kind         text,
    event_date         date,
    PRIMARY KEY (prefecture, seq)
);
CREATE INDEX eligibility_lines_person ON eligibility_lines (prefecture, person_key, seq);

-- The last load of each prefecture: who, when, from which file (its SHA-256), under which rule set, how many lines.
CREATE TABLE eligibility_loads (
    prefecture      text PRIMARY KEY,
    loaded_at       timestamptz NOT NULL DEFAULT now(),
    loaded_by       text        NOT NULL,
    source_sha256   text        NOT NULL,
    ruleset_version text        NOT NULL,
    ruleset_hash    text        NOT NULL,
    lines           bigint      NOT NULL,
    refused_lines   bigint      NOT NULL
);

-- A check run (the audit of a check: who, when, which rule set and hash) and what it found.
CREATE TABLE eligibility_runs (
    run_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prefecture      text        NOT NULL,
    fiscal_year     integer     NOT NULL,
    ruleset_version text        NOT NULL,
    ruleset_hash    text        NOT NULL,
    trial           boolean     NOT NULL,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    persons         bigint      NOT NULL DEFAULT 0,
    records         bigint      NOT NULL DEFAULT 0,
    events          bigint      NOT NULL DEFAULT 0,
    refused_persons bigint      NOT NULL DEFAULT 0,
    findings        bigint      NOT NULL DEFAULT 0
);
CREATE INDEX eligibility_runs_prefecture ON eligibility_runs (prefecture, run_id);

CREATE TABLE eligibility_findings (
    run_id          bigint  NOT NULL REFERENCES eligibility_runs (run_id),
    seq             integer NOT NULL,
    kind            text    NOT NULL,
    person_key      text    NOT NULL,
    city            text    NOT NULL,
    records         text[]  NOT NULL,
    days            integer,
    proposed_record text,
    proposed_field  text,
    proposed_date   date,
    rule            text    NOT NULL,
    reference       text    NOT NULL,
    basis           text,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX eligibility_findings_kind ON eligibility_findings (run_id, kind);
CREATE INDEX eligibility_findings_person ON eligibility_findings (person_key, run_id);
