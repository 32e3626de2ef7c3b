-- Run by the postgres-init Job on every deploy: idempotent.
-- The services create their own metadata tables; this sets up what they cannot create for
-- themselves: the read-only role that query-parser's generated SQL runs as, which may not
-- connect to this (the metadata) database.
\set ON_ERROR_STOP on

SELECT 'CREATE ROLE chatdb_reader LOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chatdb_reader')
\gexec

ALTER ROLE chatdb_reader PASSWORD :'reader_password';
ALTER ROLE chatdb_reader SET default_transaction_read_only = on;
ALTER ROLE chatdb_reader SET statement_timeout = '30s';
-- What one query may use (only a superuser may set temp_file_limit, so it is set here).
ALTER ROLE chatdb_reader SET work_mem = '16MB';
ALTER ROLE chatdb_reader SET temp_file_limit = '1GB';

-- The read-only role reads the demo business database (demo-db-init) and nothing of ChatDB's
-- own: no one but the owner may connect to the metadata database, and grants of earlier
-- versions are taken back.
SELECT current_database() AS metadata_db \gset
REVOKE CONNECT, TEMPORARY ON DATABASE :"metadata_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"metadata_db" FROM chatdb_reader;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM chatdb_reader;
REVOKE ALL ON SCHEMA public FROM chatdb_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM chatdb_reader;
