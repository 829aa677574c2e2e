-- Schema v1: vehicles, terminals, positions (partitioned by month), live state, routes, marks.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE vehicles (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL,
    kind        text NOT NULL DEFAULT 'other'
                CHECK (kind IN ('plow', 'grader', 'sander', 'loader', 'dump_truck', 'sweeper',
                                'bus', 'other')),
    plate       text,
    contractor  text,
    -- which sensor means "working": {"input": 1, "tool": "blade"} (digital input number, 1-based)
    equipment   jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE terminals (
    id          bigserial PRIMARY KEY,
    protocol    text NOT NULL CHECK (protocol IN ('egts', 'ndtp', 'nis')),
    identifier  text NOT NULL,
    imei        text,
    vehicle_id  bigint REFERENCES vehicles (id) ON DELETE SET NULL,
    status      text NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'quarantine', 'blocked')),
    details     jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    UNIQUE (protocol, identifier)
);
CREATE INDEX terminals_vehicle_idx ON terminals (vehicle_id);

-- Every fix as the terminal sent it. The natural key makes a resent fix land once.
-- Monthly partitions are created on demand by the writer (ensure_positions_partition).
CREATE TABLE positions (
    terminal_id bigint NOT NULL,
    vehicle_id  bigint,
    fix_time    timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    latitude    double precision NOT NULL,
    longitude   double precision NOT NULL,
    geom        geometry(Point, 4326)
                GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED,
    valid       boolean NOT NULL,
    speed_kmh   real NOT NULL,
    course_deg  real NOT NULL,
    altitude_m  real,
    satellites  smallint,
    hdop        real,
    inputs      bigint,
    odometer_m  double precision,
    black_box   boolean NOT NULL DEFAULT false,
    pz90        boolean NOT NULL DEFAULT false,
    protocol    text NOT NULL,
    attributes  jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (terminal_id, fix_time, latitude, longitude)
) PARTITION BY RANGE (fix_time);
CREATE INDEX positions_vehicle_time_idx ON positions (vehicle_id, fix_time);
CREATE INDEX positions_geom_idx ON positions USING gist (geom);

CREATE FUNCTION ensure_positions_partition(month_start date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    first_day date := date_trunc('month', month_start)::date;
    part text := format('positions_%s', to_char(first_day, 'YYYY_MM'));
BEGIN
    IF to_regclass(part) IS NULL THEN
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF positions '
                       'FOR VALUES FROM (%L) TO (%L)',
                       part, first_day::timestamptz AT TIME ZONE 'UTC',
                       (first_day + interval '1 month')::timestamptz AT TIME ZONE 'UTC');
    END IF;
END $$;

-- Latest fix per vehicle, kept by the writer in the same transaction as the fixes.
CREATE TABLE vehicle_state (
    vehicle_id  bigint PRIMARY KEY REFERENCES vehicles (id) ON DELETE CASCADE,
    terminal_id bigint NOT NULL,
    fix_time    timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    latitude    double precision NOT NULL,
    longitude   double precision NOT NULL,
    valid       boolean NOT NULL,
    speed_kmh   real NOT NULL,
    course_deg  real NOT NULL,
    inputs      bigint,
    attributes  jsonb NOT NULL DEFAULT '{}'
);

-- Clearing routes drawn by dispatchers.
CREATE TABLE routes (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL,
    geom            geometry(LineString, 4326) NOT NULL,
    treatment       text NOT NULL DEFAULT 'plough' CHECK (treatment IN ('plough', 'spread', 'sweep')),
    priority        smallint NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3),
    passes_required smallint NOT NULL DEFAULT 1 CHECK (passes_required >= 1),
    direction       text NOT NULL DEFAULT 'both' CHECK (direction IN ('both', 'as_drawn')),
    half_width_m    real NOT NULL DEFAULT 15 CHECK (half_width_m > 0),
    contractor      text,
    properties      jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routes_geom_idx ON routes USING gist (geom);

-- Map marks: road state, broken elevators, flooded basements, ...
CREATE TABLE marks (
    id          bigserial PRIMARY KEY,
    layer       text NOT NULL,
    geom        geometry(Geometry, 4326) NOT NULL,
    status      text NOT NULL DEFAULT 'open',
    text        text NOT NULL DEFAULT '',
    valid_from  timestamptz,
    valid_to    timestamptz,
    public      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX marks_geom_idx ON marks USING gist (geom);
