-- Published rule-set layers and their history (kokuho rulesets publish --db; KokuhoRules.Rules.Storage.RuleSetStore).
-- Append-only, as audit_log: a publication is never changed or removed; triggers refuse UPDATE, DELETE and
-- TRUNCATE to everyone, the owner included. A version of a layer is published once (the unique key), so a
-- published version stays as it was: a correction is a new version. Each publication keeps the sealed manifest
-- (status, contentHash, files, publishedBy, publishedAt, waivers) and every file of the layer as published, so
-- that a catalog can be built from the database alone and each file checked against its sealed hash.
CREATE TABLE ruleset_publications (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner          text        NOT NULL,          -- national, a prefecture's or a city's id
    fiscal_year    integer     NOT NULL,
    capability     text        NOT NULL,
    version        text        NOT NULL,
    layer          text        NOT NULL,          -- national | prefecture | municipal
    content_hash   text        NOT NULL,
    ruleset_hashes jsonb       NOT NULL,          -- [{ insurer, fiscalYear, version, hash }]: the rule sets built on it when published
    published_by   text        NOT NULL,
    published_at   timestamptz NOT NULL,
    waivers        jsonb       NOT NULL,          -- [{ parameter, reason }]
    manifest       bytea       NOT NULL,          -- manifest.json as sealed
    audit_id       uuid        NOT NULL,          -- the audit_log entry of the publication
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner, fiscal_year, capability, version)
);

CREATE TABLE ruleset_files (
    publication_seq bigint NOT NULL REFERENCES ruleset_publications (seq),
    path            text   NOT NULL,
    sha256          text   NOT NULL,
    bytes           bytea  NOT NULL,
    PRIMARY KEY (publication_seq, path)
);

CREATE FUNCTION ruleset_publications_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed (a published rule set never changes: publish a new version)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER ruleset_publications_no_update_or_delete BEFORE UPDATE OR DELETE ON ruleset_publications
    FOR EACH ROW EXECUTE FUNCTION ruleset_publications_append_only();
CREATE TRIGGER ruleset_publications_no_truncate BEFORE TRUNCATE ON ruleset_publications
    FOR EACH STATEMENT EXECUTE FUNCTION ruleset_publications_append_only();
CREATE TRIGGER ruleset_files_no_update_or_delete BEFORE UPDATE OR DELETE ON ruleset_files
    FOR EACH ROW EXECUTE FUNCTION ruleset_publications_append_only();
CREATE TRIGGER ruleset_files_no_truncate BEFORE TRUNCATE ON ruleset_files
    FOR EACH STATEMENT EXECUTE FUNCTION ruleset_publications_append_only();

REVOKE ALL ON ruleset_publications, ruleset_files FROM PUBLIC;

-- The service reads the published rule sets; only the publisher (the schema owner, through the CLI) writes them.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kokuho_service') THEN
        GRANT SELECT ON ruleset_publications, ruleset_files TO kokuho_service;
    END IF;
END
$$;
