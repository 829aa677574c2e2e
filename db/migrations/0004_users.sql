-- Dispatcher accounts and their sessions. Sessions live in the database so that several
-- `serve` processes behind a balancer share them.
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    login         text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('dispatcher', 'auditor', 'admin')),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_sessions (
    token_hash  bytea PRIMARY KEY,         -- sha256 of the cookie value; the value is never stored
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX user_sessions_expiry_idx ON user_sessions (expires_at);
