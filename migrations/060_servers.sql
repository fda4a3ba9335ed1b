-- Service providers (issue 15): several VB365 servers. A request belongs to its organization's
-- server; the rows written before there could be several belong to the server named `default`
-- (the simple case's name, and the name to give that server in a routing file).
-- The approval log names each entry's server too. Rows from before keep NULL, and a NULL server is
-- left out of a row's hash (src/store/log.ts), so their hashes, and the chain, stay valid.

ALTER TABLE requests ADD COLUMN server TEXT NOT NULL DEFAULT 'default';
ALTER TABLE events ADD COLUMN server TEXT;
