-- Planner statistics only for the columns queries filter on.

-- Autovacuum analyzes each new month's partition every time it grew by a fifth. Sampling the
-- geometry (PostGIS' n-dimensional histogram) and the sensor JSON took two thirds of each such
-- run (about 200 of 290 ms of a core for 400,000 fixes), and no query filters on either: the
-- reads select fixes by vehicle or terminal, time, validity and longitude/latitude. On a busy
-- two-core server that burst of a core was the largest stall in the terminals' ack latency.
ALTER TABLE positions ALTER COLUMN geom SET STATISTICS 0,
                      ALTER COLUMN attributes SET STATISTICS 0;

-- A partition created later does not take the parent's per-column targets: set them on it too.
CREATE OR REPLACE FUNCTION ensure_positions_partition(month_start date) RETURNS void
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
        EXECUTE format('ALTER TABLE %I ALTER COLUMN geom SET STATISTICS 0, '
                       'ALTER COLUMN attributes SET STATISTICS 0', part);
    END IF;
END $$;
