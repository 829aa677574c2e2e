-- Who drives a vehicle, for the dispatcher's card: a name and a phone, both optional. The phone
-- is stored as dispatch.registry_input normalises it (+7 and ten digits), so the card can dial
-- it. Personal data: the public map, its export and the GTFS-RT feed never read these columns,
-- and /api/vehicles carries them to signed-in staff only.
ALTER TABLE vehicles ADD COLUMN driver text,
                     ADD COLUMN driver_phone text CHECK (driver_phone ~ '^\+7[0-9]{10}$');
