-- A pending choice keeps its organization's server, as a request does (060_servers.sql): the
-- request made from the pick is routed, and applied, by it. Choices from before keep NULL, the
-- server named `default`; they expire within minutes anyway.

ALTER TABLE pending_choices ADD COLUMN server TEXT;
