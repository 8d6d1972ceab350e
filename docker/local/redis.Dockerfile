# Redis 7 from Debian on the local base. REDIS_PASSWORD is required; REDIS_PORT picks the port; BullMQ needs
# noeviction; AOF keeps queued jobs across a restart (as in compose.yaml).
ARG BASE=chat-base:bookworm
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
ENV REDIS_PORT=6379
WORKDIR /data
USER redis
HEALTHCHECK --interval=2s --timeout=3s --retries=30 \
  CMD REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG
CMD ["sh", "-c", ": \"${REDIS_PASSWORD:?set REDIS_PASSWORD}\"; exec redis-server --bind \"${REDIS_BIND:-127.0.0.1}\" --port \"$REDIS_PORT\" --appendonly yes --maxmemory-policy noeviction --requirepass \"$REDIS_PASSWORD\""]
