# PostgreSQL 15 from Debian on the local base (the test deployment's store; compose.yaml uses postgres:16-alpine).
# POSTGRES_USER/POSTGRES_DB/POSTGRES_PASSWORD make the role and database on the first start, PGPORT the port.
ARG BASE=chat-base:bookworm
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data PGPORT=5432
USER postgres
HEALTHCHECK --interval=2s --timeout=3s --retries=30 CMD pg_isready -q -h 127.0.0.1 -p "$PGPORT"
STOPSIGNAL SIGINT
CMD ["postgres-entrypoint.sh"]
