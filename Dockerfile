# A Ferry worker: `ferry worker` on the task queue FERRY_TASK_QUEUE, talking to the Temporal server
# at TEMPORAL_ADDRESS and to PostgreSQL at DATABASE_URL (see src/config.ts and docs/operations.md).
# Scale out by running more containers from this image; they share the task queue.
FROM node:20.19.5-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    FERRY_DATA_DIR=/var/lib/ferry

# Dependencies first, so code changes do not reinstall them. `npm ci` runs the postinstall step,
# which generates the Prisma Client from prisma/ (offline; no database needed).
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts/generate-prisma-client.js scripts/
COPY prisma/ prisma/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
RUN mkdir -p /var/lib/ferry && chown node:node /var/lib/ferry
USER node
VOLUME ["/var/lib/ferry"]

# The worker applies Ferry's own SQL migrations at start, then polls until SIGTERM (graceful stop).
CMD ["node", "bin/ferry.js", "worker"]
