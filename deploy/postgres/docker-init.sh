#!/bin/sh
# Runs deploy/postgres/roles.sql inside the official postgres image on first start
# (mounted into /docker-entrypoint-initdb.d by deploy/compose.yaml), passing the two
# passwords from the container's environment. Not used outside containers: there, run
# roles.sql with psql as shown at its top.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_password="$ZUGONG_OWNER_DB_PASSWORD" \
     -v app_password="$ZUGONG_APP_DB_PASSWORD" \
     -f /zugong/roles.sql
