-- Dispatch: vehicles assigned to a route, storms, stored coverage results.

-- Optional: the vehicles a route is assigned to. Empty: any vehicle with the right tool counts.
ALTER TABLE routes ADD COLUMN assigned_vehicles bigint[] NOT NULL DEFAULT '{}';
-- research/domain.md §2.3: d = max(15 m, half carriageway + 2 sigma), typically 15-20 m.
ALTER TABLE routes ALTER COLUMN half_width_m SET DEFAULT 20;

-- A storm: the dispatcher declares its start; the snowfall end starts the ГОСТ Р 50597 clock.
CREATE TABLE storms (
    id                bigserial PRIMARY KEY,
    name              text NOT NULL,
    started_at        timestamptz NOT NULL,
    snowfall_ended_at timestamptz,
    closed_at         timestamptz,                  -- end of the reporting window, if set
    norms_h           jsonb NOT NULL DEFAULT '{}',  -- per-priority overrides: {"1": 4, ...}
    notes             text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (snowfall_ended_at IS NULL OR snowfall_ended_at >= started_at),
    CHECK (closed_at IS NULL OR closed_at >= started_at)
);

-- Every stored coverage verdict with the parameters it was computed with, so that an audit
-- can recompute it; route ids are kept as values (a deleted route keeps its history).
CREATE TABLE coverage_results (
    id           bigserial PRIMARY KEY,
    computed_at  timestamptz NOT NULL,
    window_from  timestamptz NOT NULL,
    window_to    timestamptz NOT NULL,
    storm_id     bigint REFERENCES storms (id) ON DELETE SET NULL,
    route_ids    bigint[] NOT NULL,
    parameters   jsonb NOT NULL,
    summary      jsonb NOT NULL,
    result       jsonb NOT NULL
);
CREATE INDEX coverage_results_storm_idx ON coverage_results (storm_id, computed_at);
CREATE INDEX coverage_results_window_idx ON coverage_results (window_from, window_to);
