-- The address (host:port) a terminal last logged in from, as the listener saw it: behind a
-- balancer speaking the PROXY protocol that is the terminal's own address, not the balancer's.
-- Written with last_login_at, once per admission, never per packet.
ALTER TABLE terminals ADD COLUMN last_address text;
