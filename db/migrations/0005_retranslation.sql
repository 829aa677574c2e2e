-- Retranslation to upstream platforms (the regional RNIS over EGTS) and bus route assignment
-- for the GTFS-Realtime feed.

-- Which route (and, when known, which trip of the static GTFS) a bus is running now.
ALTER TABLE vehicles
    ADD COLUMN route_number      text,
    ADD COLUMN trip_id           text,
    ADD COLUMN route_assigned_at timestamptz;

-- Upstreams as configured (synchronised from the TOML at start-up), with the lease that lets
-- one `serve` process at a time feed each of them and the state that process last reported.
CREATE TABLE retranslation_upstreams (
    id            smallserial PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    enabled       boolean NOT NULL DEFAULT true,
    vehicle_ids   bigint[] NOT NULL DEFAULT '{}',
    kinds         text[] NOT NULL DEFAULT '{}',
    address       text NOT NULL DEFAULT '',
    lease_owner   text,
    lease_until   timestamptz,
    state         text NOT NULL DEFAULT 'idle',
    state_detail  text NOT NULL DEFAULT '',
    state_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);

-- Store-and-forward: one row per (upstream, fix) not yet confirmed by that upstream. Filled by
-- the trigger below in the transaction that stores the fix, deleted when the upstream confirms
-- it, so whatever committed is delivered exactly when it is visible: no cursor can skip a fix
-- that a slower concurrent transaction commits later. The key leads with the vehicle (the
-- distribution column under Citus) and orders its fixes by fix time.
-- No foreign keys: an RI check per row would cost the hot insert path more than it protects.
CREATE TABLE retranslation_queue (
    upstream_id smallint NOT NULL,
    vehicle_id  bigint NOT NULL,
    fix_time    timestamptz NOT NULL,
    terminal_id bigint NOT NULL,
    latitude    double precision NOT NULL,
    longitude   double precision NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (upstream_id, vehicle_id, fix_time, terminal_id, latitude, longitude)
);

-- Delivery counters per upstream and vehicle (the console's acknowledgement rate and lag).
CREATE TABLE retranslation_progress (
    upstream_id       smallint NOT NULL,
    vehicle_id        bigint NOT NULL,
    oid               bigint,                      -- the object id the upstream knows it by
    sent              bigint NOT NULL DEFAULT 0,   -- records written, resends included
    delivered         bigint NOT NULL DEFAULT 0,   -- records confirmed with RST 0
    refused           bigint NOT NULL DEFAULT 0,   -- records answered with another RST
    last_result       smallint,                    -- the upstream's latest refusal code
    last_refused_at   timestamptz,
    last_fix_time     timestamptz,                 -- newest fix time confirmed
    last_delivered_at timestamptz,
    PRIMARY KEY (upstream_id, vehicle_id)
);

-- One statement-level trigger per insert statement (the writer's batch), not one per row: it
-- sees the rows actually inserted (resends skipped by ON CONFLICT are not in the transition
-- table) and does nothing at all while no upstream is enabled.
CREATE FUNCTION retranslation_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM retranslation_upstreams WHERE enabled) THEN
        INSERT INTO retranslation_queue (upstream_id, vehicle_id, fix_time, terminal_id,
                                         latitude, longitude, received_at)
        SELECT u.id, n.vehicle_id, n.fix_time, n.terminal_id, n.latitude, n.longitude,
               n.received_at
        FROM new_positions n
        JOIN vehicles v ON v.id = n.vehicle_id
        JOIN retranslation_upstreams u
          ON u.enabled AND (v.id = ANY (u.vehicle_ids) OR v.kind = ANY (u.kinds))
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER positions_retranslation
AFTER INSERT ON positions
REFERENCING NEW TABLE AS new_positions
FOR EACH STATEMENT EXECUTE FUNCTION retranslation_enqueue();
