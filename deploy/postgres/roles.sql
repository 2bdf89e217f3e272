-- Zugong (组工): PostgreSQL roles and database.
--
-- Run once as a superuser (the postgres OS user), with the two passwords as psql variables:
--   sudo -u postgres psql -v ON_ERROR_STOP=1 \
--        -v owner_password='...' -v app_password='...' -f deploy/postgres/roles.sql
-- The role and database names are psql variables too, defaulting to the names below;
-- app_role must equal ZUGONG_APP_DB_ROLE, and the URLs in zugong.env must name the same
-- roles and database:
--        -v owner_role=zugong_owner -v app_role=zugong_app -v db_name=zugong
-- It is safe to run again (e.g. to change the passwords): existing roles are altered,
-- an existing database is kept.
-- Then, as the owner:  zugong db upgrade   (creates the tables, policies and grants)
--
-- Two roles, on purpose:
--
--   owner_role  (zugong_owner) owns the database, the schema and every table. Used only
--               by `zugong db upgrade` (ZUGONG_OWNER_DATABASE_URL) to run migrations and
--               to grant the app role its privileges on each table.
--   app_role    (zugong_app) what the web and worker processes connect as
--               (ZUGONG_DATABASE_URL). LOGIN but NOSUPERUSER, NOBYPASSRLS, owns nothing.
--
-- Why the application must not own its tables: row-level security is the database's own
-- backstop for tenant isolation. Every tenant-owned table has a policy comparing
-- tenant_id with current_setting('app.tenant_id', true), which the app sets at the start
-- of each transaction. But PostgreSQL skips RLS for superusers, for roles with
-- BYPASSRLS, and for a table's owner (unless the table has FORCE ROW LEVEL SECURITY);
-- and an owner can always ALTER TABLE ... DISABLE ROW LEVEL SECURITY or drop the policy.
-- So the migrations set ENABLE + FORCE ROW LEVEL SECURITY, and the app runs as a role
-- that is neither superuser nor owner and cannot bypass RLS: a query that forgot its
-- tenant filter, or an SQL injection, still sees only the current tenant's rows (or none
-- when no tenant is set), and the app cannot switch the protection off.
--
-- Keep the owner's password off the application hosts if you can: only the migration
-- needs it (see /etc/zugong/migrate.env in deploy/zugong.env.example).

\set ON_ERROR_STOP on

\if :{?owner_password}
\else
  \echo 'roles.sql: pass -v owner_password=... -v app_password=...'
  SELECT 1/0 AS missing_owner_password;
\endif
\if :{?app_password}
\else
  \echo 'roles.sql: pass -v owner_password=... -v app_password=...'
  SELECT 1/0 AS missing_app_password;
\endif
\if :{?owner_role}
\else
  \set owner_role zugong_owner
\endif
\if :{?app_role}
\else
  \set app_role zugong_app
\endif
\if :{?db_name}
\else
  \set db_name zugong
\endif

-- Roles ------------------------------------------------------------------------------------
SELECT format('CREATE ROLE %I', :'owner_role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner_role')\gexec
SELECT format('CREATE ROLE %I', :'app_role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role')\gexec

-- The owner runs migrations. It needs no special attributes: owning the database gives it
-- CREATE there. It is given BYPASSRLS only so that data migrations (backfills across all
-- tenants) see every row; that adds no power it does not have anyway, since an owner can
-- disable RLS on its own tables. It never serves requests.
ALTER ROLE :"owner_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    BYPASSRLS PASSWORD :'owner_password';

-- The application role: may log in, nothing else. Never make it a member of the owner
-- role (nor of any role that owns tables or has BYPASSRLS).
ALTER ROLE :"app_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    NOBYPASSRLS PASSWORD :'app_password';
-- The platform writer (migration core_0012): a role that cannot log in, whose policy on
-- every tenant-owned table lets a platform job (the set-based scans) write the rows of
-- the tenants it names, only while a transaction runs as it (SET LOCAL ROLE). The owner
-- may grant it (ADMIN OPTION), and `zugong db upgrade` grants it to the roles listed in
-- ZUGONG_PLATFORM_WRITER_MEMBERS (default: the app role). Its members are NOINHERIT:
-- they get its policy only by switching to it, never implicitly. To keep web processes
-- from ever assuming it, give the workers a login role of their own, list only that one
-- in ZUGONG_PLATFORM_WRITER_MEMBERS, and connect the web with the app role.
SELECT 'CREATE ROLE zugong_platform_writer'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zugong_platform_writer')\gexec
ALTER ROLE zugong_platform_writer WITH NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
GRANT zugong_platform_writer TO :"owner_role" WITH ADMIN OPTION;
ALTER ROLE :"app_role" NOINHERIT;

-- Optional safety nets for the app role (applied per connection, also behind PgBouncer):
-- ALTER ROLE :"app_role" SET idle_in_transaction_session_timeout = '5min';
-- ALTER ROLE :"app_role" SET lock_timeout = '10s';

-- Database ---------------------------------------------------------------------------------
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0',
              :'db_name', :'owner_role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db_name')\gexec
-- If it already existed (e.g. created by the postgres container's POSTGRES_DB):
ALTER DATABASE :"db_name" OWNER TO :"owner_role";

REVOKE ALL ON DATABASE :"db_name" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db_name" TO :"app_role";
-- Replication / monitoring roles get CONNECT explicitly where you create them.

\connect :"db_name"

-- Schema: owned by the owner role; the app may use it but create nothing in it
-- (PostgreSQL 15 already revokes CREATE on public from PUBLIC; older versions do not).
ALTER SCHEMA public OWNER TO :"owner_role";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_role";

-- Table and sequence privileges are NOT granted here and there are deliberately no
-- ALTER DEFAULT PRIVILEGES: `zugong db upgrade` grants the app role exactly what each
-- table needs (e.g. only INSERT and SELECT on the append-only, hash-chained audit log),
-- after every migration. A blanket default grant would give UPDATE/DELETE on the audit log.
