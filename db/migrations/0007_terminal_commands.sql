-- Commands to terminals (EGTS COMMANDS service): queued by the CLI or the API, sent on the
-- terminal's connection by whichever `serve` process holds it, answered by the terminal.
--
-- status: queued -> sent (on the wire) -> delivered (the terminal's PT_RESPONSE took it)
--         -> confirmed (COMCONF CC_OK) | in_progress (CC_INPROG, a final answer follows)
--         | failed (refused, CC_ERROR/ILL/NFOUND/NCONF, or no answer after the attempts);
--         queued/sent -> expired (its terminal did not take it in time) | cancelled.
-- The row id is the EGTS CID (mod 2^32), so a late answer finds its command after a restart.
CREATE TABLE terminal_commands (
    id            bigserial PRIMARY KEY,
    terminal_id   bigint NOT NULL REFERENCES terminals (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('text', 'command', 'parameter')),
    summary       text NOT NULL,             -- what the operator asked, readable
    code          integer NOT NULL,          -- CCD
    action        smallint NOT NULL,         -- ACT: 0 command, 1 get, 2 set, 3 add, 4 delete
    charset       smallint NOT NULL,         -- CHS of data
    data          bytea NOT NULL,            -- DT as sent
    status        text NOT NULL DEFAULT 'queued' CHECK (status IN (
                      'queued', 'sent', 'delivered', 'in_progress', 'confirmed', 'failed',
                      'expired', 'cancelled')),
    attempts      smallint NOT NULL DEFAULT 0,
    created_by    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    sent_at       timestamptz,
    delivered_at  timestamptz,
    answered_at   timestamptz,
    confirmation  smallint,                  -- CCT of the terminal's COMCONF
    result_code   smallint,                  -- PR/RST when the terminal refused the packet
    result_data   bytea,                     -- CD of the COMCONF (a queried value)
    result_text   text,                      -- its value as text, when it is text
    error         text                       -- why it failed or expired, for the operator
);

CREATE INDEX terminal_commands_terminal_idx ON terminal_commands (terminal_id, id DESC);
-- the dispatcher looks only at what still waits to go out
CREATE INDEX terminal_commands_waiting_idx ON terminal_commands (terminal_id)
    WHERE status IN ('queued', 'sent');
