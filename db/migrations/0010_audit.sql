-- The audit trail: who changed what, when, from where, with the values before and after.
--
-- Rows are only ever appended: a trigger refuses UPDATE and DELETE for everyone, so neither the
-- API nor a slip in psql can rewrite history. Changes to the registries are written by table
-- triggers in the transaction of the change itself, so no write path can forget them; the
-- application names the actor first with db.audit.act_as (transaction-local settings
-- glonass.audit_login/role/address; a write without them is recorded with actor NULL).
-- Sign-ins and other events without a row of their own are appended by db.audit.record.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text,                 -- login, "cli:<OS user>", NULL: no actor was named
    role       text,
    address    text,                 -- the client's IP address (HTTP); NULL from the CLI
    action     text NOT NULL,        -- create | update | delete | sign_in | sign_in_failed ...
    kind       text NOT NULL,        -- route | mark | storm | vehicle | terminal | ...
    object_id  text,
    before     jsonb,
    after      jsonb,
    detail     text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_object_idx ON audit_log (kind, object_id, at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

-- Arguments: the kind; the key columns joined by ':' (object_id is their values joined the
-- same way); then columns whose values never enter the trail (password hashes, raw bytes):
-- a change to one is named in detail instead.
CREATE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    hidden text[] := TG_ARGV[2:];
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    key_row jsonb := coalesce(new_row, old_row);
    changed_hidden text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT string_agg(c, ', ') INTO changed_hidden FROM unnest(hidden) AS c
            WHERE old_row -> c IS DISTINCT FROM new_row -> c;
        IF old_row - hidden = new_row - hidden AND changed_hidden IS NULL THEN
            RETURN NULL;  -- nothing a person would call a change
        END IF;
    END IF;
    INSERT INTO audit_log (actor, role, address, action, kind, object_id, before, after, detail)
    VALUES (nullif(current_setting('glonass.audit_login', true), ''),
            nullif(current_setting('glonass.audit_role', true), ''),
            nullif(current_setting('glonass.audit_address', true), ''),
            CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE lower(TG_OP) END, TG_ARGV[0],
            (SELECT string_agg(key_row ->> k, ':' ORDER BY n)
               FROM unnest(string_to_array(TG_ARGV[1], ':')) WITH ORDINALITY AS keys (k, n)),
            old_row - hidden, new_row - hidden,
            CASE WHEN changed_hidden IS NOT NULL
                 THEN 'изменено, значение не хранится: ' || changed_hidden END);
    RETURN NULL;
END $$;

CREATE TRIGGER routes_audit AFTER INSERT OR UPDATE OR DELETE ON routes
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('route', 'id');
CREATE TRIGGER marks_audit AFTER INSERT OR UPDATE OR DELETE ON marks
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('mark', 'id');
CREATE TRIGGER storms_audit AFTER INSERT OR UPDATE OR DELETE ON storms
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('storm', 'id');
CREATE TRIGGER vehicles_audit AFTER INSERT OR UPDATE OR DELETE ON vehicles
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('vehicle', 'id');
-- a terminal's sign-in only moves last_login_at: not a change of the registry
CREATE TRIGGER terminals_audit AFTER INSERT OR DELETE
    OR UPDATE OF protocol, identifier, imei, vehicle_id, status, details ON terminals
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('terminal', 'protocol:identifier');
-- who sent a command and who withdrew it; its delivery is the command's own history
CREATE TRIGGER terminal_commands_audit_sent AFTER INSERT ON terminal_commands
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('terminal_command', 'id', 'data');
CREATE TRIGGER terminal_commands_audit_withdrawn AFTER UPDATE ON terminal_commands
    FOR EACH ROW WHEN (NEW.status = 'cancelled' AND OLD.status <> 'cancelled')
    EXECUTE FUNCTION audit_row_change('terminal_command', 'id', 'data');
CREATE TRIGGER users_audit AFTER INSERT OR DELETE
    OR UPDATE OF login, role, disabled, password_hash ON users
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('user', 'login', 'password_hash');
