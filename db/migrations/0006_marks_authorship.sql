-- Who created and last changed a mark (the dispatcher's login).
ALTER TABLE marks ADD COLUMN created_by text, ADD COLUMN updated_by text;
ALTER TABLE marks ADD CONSTRAINT marks_status_check
    CHECK (status IN ('open', 'in_progress', 'resolved'));
CREATE INDEX marks_layer_idx ON marks (layer);
