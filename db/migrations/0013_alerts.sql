-- Alerts for dispatchers: conditions the server's alert job found holding (dispatch.alerts).
--
-- An alert is about a vehicle, a route, or a vehicle on a route. One open row per subject and
-- kind while its condition holds: the partial unique index makes a second one impossible, so
-- a run repeated or raced cannot duplicate an alert. The job
-- closes the row (cleared_at) on its first run that no longer finds the condition; a later
-- recurrence is a new alert. A dispatcher acknowledges an alert once (who, when); the audit
-- trail records the acknowledgement with the row before and after, and nothing else the job
-- writes (every run touches seen_at and details of the open rows).
CREATE TABLE alerts (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL,
    vehicle_id      bigint REFERENCES vehicles (id) ON DELETE CASCADE,
    route_id        bigint REFERENCES routes (id) ON DELETE CASCADE,
    started_at      timestamptz NOT NULL,  -- when the condition began, as its source judged
    raised_at       timestamptz NOT NULL,  -- the run that first found it
    seen_at         timestamptz NOT NULL,  -- the latest run that found it holding
    cleared_at      timestamptz,           -- the first run that found it no longer holding
    longitude       double precision,      -- where it began (NULL: never heard of)
    latitude        double precision,
    details         jsonb NOT NULL DEFAULT '{}',
    acknowledged_at timestamptz,
    acknowledged_by text,
    CHECK (vehicle_id IS NOT NULL OR route_id IS NOT NULL),
    CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);
CREATE UNIQUE INDEX alerts_open_idx ON alerts (kind, coalesce(vehicle_id, 0), coalesce(route_id, 0))
    WHERE cleared_at IS NULL;
CREATE INDEX alerts_raised_idx ON alerts (raised_at);
CREATE INDEX alerts_unacknowledged_idx ON alerts (raised_at) WHERE acknowledged_at IS NULL;

CREATE TRIGGER alerts_audit_acknowledged AFTER UPDATE OF acknowledged_at ON alerts
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('alert', 'id');
