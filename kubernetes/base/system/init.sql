-- Run by the postgres-init Job on every deploy: idempotent.
-- The services create their own metadata tables; this sets up what they cannot create for
-- themselves: the read-only role that query-parser's generated SQL runs as, and the schema
-- that holds data sources shared with the cluster.
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

CREATE SCHEMA IF NOT EXISTS datasets;
GRANT USAGE ON SCHEMA public, datasets TO chatdb_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public, datasets TO chatdb_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO chatdb_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA datasets GRANT SELECT ON TABLES TO chatdb_reader;
