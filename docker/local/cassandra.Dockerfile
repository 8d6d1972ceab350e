# Apache Cassandra 5.0 on the local base: Java 17 from Debian (openjdk-17-jre-headless) and the jars
# scripts/cassandra.sh fetches from Maven Central (its cache, copied into the build context by
# scripts/docker-images.sh). scripts/cassandra.sh `run` writes the configuration and execs java; its `status` is
# the health check (a native-protocol round trip). CASSANDRA_PORT / CASSANDRA_STORAGE_PORT pick the ports, which
# are on 127.0.0.1 (host networking in the test deployment).
ARG BASE=chat-base:bookworm
FROM ${BASE}
RUN apt-get update \
 && mkdir -p /usr/share/man/man1 \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless procps \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/cassandra --create-home cassandra
ARG CASSANDRA_VERSION=5.0.9
COPY lib-${CASSANDRA_VERSION} /opt/cassandra/lib-${CASSANDRA_VERSION}
COPY cassandra.sh /opt/cassandra/cassandra.sh
ENV CASSANDRA_VERSION=${CASSANDRA_VERSION} \
    CASSANDRA_HOME_DIR=/opt/cassandra \
    CASSANDRA_RUN_DIR=/var/lib/cassandra/run \
    CASSANDRA_JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java \
    CASSANDRA_PORT=9042 \
    CASSANDRA_STORAGE_PORT=7000
USER cassandra
HEALTHCHECK --interval=2s --timeout=5s --start-period=120s --retries=30 CMD bash /opt/cassandra/cassandra.sh status
CMD ["bash", "/opt/cassandra/cassandra.sh", "run"]
