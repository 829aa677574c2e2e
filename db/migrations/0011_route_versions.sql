-- Route versions, soft delete of routes and marks, sealed coverage acts.
--
-- Every change to what a route is judged by (its line, name, treatment, priority, passes,
-- direction, corridor, contractor, assigned vehicles) makes a new version with its validity
-- interval [valid_from, valid_to); the triggers do it, so no write path can forget. A change
-- of free-form properties alone is not a new version: coverage does not depend on them.
-- Coverage of a window uses the version in force at the window's end (db/routes.py says why).
--
-- A delete is soft: deleted_at/deleted_by are set and the row stays, with its versions, so
-- that acts computed before keep naming a route that exists and a dispatcher can restore it.
-- The audit trail records that UPDATE as a 'delete' (and clearing it as a 'restore'). A route
-- with versions cannot be deleted outright: sealed acts name its versions.

ALTER TABLE routes ADD COLUMN version integer NOT NULL DEFAULT 1,
                   ADD COLUMN deleted_at timestamptz,
                   ADD COLUMN deleted_by text;
CREATE INDEX routes_deleted_idx ON routes (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE route_versions (
    route_id          bigint NOT NULL REFERENCES routes (id),
    version           integer NOT NULL,
    valid_from        timestamptz NOT NULL,
    valid_to          timestamptz,            -- NULL: still in force
    changed_by        text,                   -- the audit actor of the change
    name              text NOT NULL,
    geom              geometry(LineString, 4326) NOT NULL,
    treatment         text NOT NULL,
    priority          smallint NOT NULL,
    passes_required   smallint NOT NULL,
    direction         text NOT NULL,
    half_width_m      real NOT NULL,
    assigned_vehicles bigint[] NOT NULL,
    contractor        text,
    PRIMARY KEY (route_id, version),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- A new version number when something coverage depends on changed.
CREATE FUNCTION route_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.name, NEW.geom, NEW.treatment, NEW.priority, NEW.passes_required, NEW.direction,
        NEW.half_width_m, NEW.assigned_vehicles, NEW.contractor)
       IS DISTINCT FROM
       (OLD.name, OLD.geom, OLD.treatment, OLD.priority, OLD.passes_required, OLD.direction,
        OLD.half_width_m, OLD.assigned_vehicles, OLD.contractor) THEN
        NEW.version := OLD.version + 1;
    ELSE
        NEW.version := OLD.version;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER routes_version_bump BEFORE UPDATE ON routes
    FOR EACH ROW EXECUTE FUNCTION route_version_bump();

-- The row of the new version; the previous one ends where it begins.
CREATE FUNCTION route_version_record() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.version = OLD.version THEN
            RETURN NULL;
        END IF;
        UPDATE route_versions SET valid_to = now()
            WHERE route_id = NEW.id AND valid_to IS NULL;
    END IF;
    INSERT INTO route_versions (route_id, version, valid_from, changed_by, name, geom,
                                treatment, priority, passes_required, direction, half_width_m,
                                assigned_vehicles, contractor)
    VALUES (NEW.id, NEW.version, now(),
            nullif(current_setting('glonass.audit_login', true), ''), NEW.name, NEW.geom,
            NEW.treatment, NEW.priority, NEW.passes_required, NEW.direction, NEW.half_width_m,
            NEW.assigned_vehicles, NEW.contractor);
    RETURN NULL;
END $$;

CREATE TRIGGER routes_version_record AFTER INSERT OR UPDATE ON routes
    FOR EACH ROW EXECUTE FUNCTION route_version_record();

-- The routes that exist now start with version 1, in force since they were created.
INSERT INTO route_versions (route_id, version, valid_from, name, geom, treatment, priority,
                            passes_required, direction, half_width_m, assigned_vehicles,
                            contractor)
SELECT id, 1, created_at, name, geom, treatment, priority, passes_required, direction,
       half_width_m, assigned_vehicles, contractor FROM routes;

ALTER TABLE marks ADD COLUMN deleted_at timestamptz,
                  ADD COLUMN deleted_by text;

-- The audit trail names a soft delete and a restore for what they are.
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    hidden text[] := TG_ARGV[2:];
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    key_row jsonb := coalesce(new_row, old_row);
    changed_hidden text;
    action text := CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE lower(TG_OP) END;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT string_agg(c, ', ') INTO changed_hidden FROM unnest(hidden) AS c
            WHERE old_row -> c IS DISTINCT FROM new_row -> c;
        IF old_row - hidden = new_row - hidden AND changed_hidden IS NULL THEN
            RETURN NULL;  -- nothing a person would call a change
        END IF;
        IF old_row ? 'deleted_at' THEN
            IF old_row ->> 'deleted_at' IS NULL AND new_row ->> 'deleted_at' IS NOT NULL THEN
                action := 'delete';
            ELSIF old_row ->> 'deleted_at' IS NOT NULL AND new_row ->> 'deleted_at' IS NULL THEN
                action := 'restore';
            END IF;
        END IF;
    END IF;
    INSERT INTO audit_log (actor, role, address, action, kind, object_id, before, after, detail)
    VALUES (nullif(current_setting('glonass.audit_login', true), ''),
            nullif(current_setting('glonass.audit_role', true), ''),
            nullif(current_setting('glonass.audit_address', true), ''),
            action, TG_ARGV[0],
            (SELECT string_agg(key_row ->> k, ':' ORDER BY n)
               FROM unnest(string_to_array(TG_ARGV[1], ':')) WITH ORDINALITY AS keys (k, n)),
            old_row - hidden, new_row - hidden,
            CASE WHEN changed_hidden IS NOT NULL
                 THEN 'изменено, значение не хранится: ' || changed_hidden END);
    RETURN NULL;
END $$;

-- Sealed acts: a stored coverage result names the route versions it used and carries the
-- sha256 of its canonical JSON (dispatch/acts.py); once written it is never changed.
ALTER TABLE coverage_results ADD COLUMN route_versions jsonb NOT NULL DEFAULT '[]',
                             ADD COLUMN content_hash text;

CREATE FUNCTION coverage_result_is_sealed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'coverage act % is sealed: % refused', OLD.id, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER coverage_results_sealed BEFORE UPDATE OR DELETE ON coverage_results
    FOR EACH ROW EXECUTE FUNCTION coverage_result_is_sealed();

-- Who sealed an act and when; the document itself stays in its own row.
CREATE TRIGGER coverage_results_audit AFTER INSERT ON coverage_results
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('coverage_act', 'id', 'result');
