-- A vehicle is removed softly: deleted_at/deleted_by are set and the row stays, so its stored
-- fixes, coverage and acts still name it. The live map, the feeds and the registry lists skip
-- removed vehicles; the audit trigger records the change as a delete (0011's function).
ALTER TABLE vehicles ADD COLUMN deleted_at timestamptz,
                     ADD COLUMN deleted_by text;
