-- The audit log of the calculation API (KokuhoRules.Engine.Audit.PostgresAuditStore).
-- Append-only: the service's role may SELECT and INSERT, nothing else; triggers refuse UPDATE,
-- DELETE and TRUNCATE to everyone, the owner included. An entry holds who, when, which endpoint,
-- which rule sets, the status and a SHA-256 of the request body: never the body, never a name,
-- a birth date or an income.
CREATE TABLE audit_log (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          uuid        NOT NULL UNIQUE,
    at          timestamptz NOT NULL,
    key_id      text,
    holder      text,
    method      text        NOT NULL,
    path        text        NOT NULL,
    endpoint    text,
    status      integer     NOT NULL,
    outcome     text        NOT NULL,
    rulesets    jsonb       NOT NULL,
    subjects    jsonb       NOT NULL,
    body_sha256 text,
    body_bytes  bigint,
    duration_us bigint      NOT NULL,
    client      text,
    trace_id    text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_key_id ON audit_log (key_id, seq);
CREATE INDEX audit_log_subjects ON audit_log USING gin (subjects jsonb_path_ops);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

REVOKE ALL ON audit_log FROM PUBLIC;

-- The group role the API's login role belongs to (CREATE ROLE kokuho_api LOGIN … IN ROLE kokuho_service).
-- Created here when the migrating role may create roles; otherwise an administrator creates it and
-- grants exactly this.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kokuho_service') THEN
        BEGIN
            CREATE ROLE kokuho_service NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'cannot create role kokuho_service: an administrator must create it and GRANT SELECT, INSERT ON audit_log TO kokuho_service';
            RETURN;
        WHEN duplicate_object OR unique_violation THEN
            NULL; -- created meanwhile by a migration of another database of the cluster
        END;
    END IF;
    GRANT SELECT, INSERT ON audit_log TO kokuho_service;
END
$$;
