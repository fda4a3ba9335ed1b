# syntax=docker/dockerfile:1
# vbo-audit: build with the toolchain better-sqlite3 needs, run on the slim image of the same Node
# LTS and Debian release (so the compiled addon matches the runtime's glibc and Node ABI).
ARG NODE_IMAGE=node:24-trixie

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The full node image carries python3, make and g++ for node-gyp, should no prebuilt binary fit.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}-slim AS runtime
# tini as PID 1: forwards SIGTERM/SIGINT to node (graceful shutdown) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_PATH=/data/vbo-audit.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY manifest.yml ./
# The database lives on a volume owned by the unprivileged user the bot runs as.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
