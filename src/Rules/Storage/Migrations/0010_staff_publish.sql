-- Publishing from the staff page (/staff/publish, issue 16 item 7): the service records the publication itself, so its
-- group role may add rows to the append-only tables of 0009 (their triggers still refuse UPDATE, DELETE and TRUNCATE to
-- everyone). The identity column's sequence needs no grant of its own.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kokuho_service') THEN
        GRANT INSERT ON ruleset_publications, ruleset_files TO kokuho_service;
    END IF;
END
$$;
