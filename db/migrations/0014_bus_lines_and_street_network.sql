-- Bus lines as drawn (a bus's route_number names one), so the storm room can tell which lines
-- run on streets still uncleared; and the city's street network beyond the clearing routes
-- (`routes import --network`), so the plan check can find streets nobody is to clear.
CREATE TABLE bus_lines (
    number text PRIMARY KEY CHECK (number <> ''),
    name text NOT NULL DEFAULT '',
    geom geometry(LineString, 4326) NOT NULL
);

CREATE TABLE street_network (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    geom geometry(LineString, 4326) NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX street_network_geom ON street_network USING gist (geom);
