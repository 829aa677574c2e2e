-- Terminals may also speak the trackers' protocols: Wialon IPS, Wialon Retranslator,
-- Teltonika, Galileosky, NavTelecom FLEX and OsmAnd (phones).
ALTER TABLE terminals DROP CONSTRAINT terminals_protocol_check;
ALTER TABLE terminals ADD CONSTRAINT terminals_protocol_check CHECK (protocol IN (
    'egts', 'ndtp', 'nis', 'wialon', 'wialonretr', 'teltonika', 'galileosky', 'navtelecom',
    'osmand'));
