# syntax=docker/dockerfile:1

# touchbase: one image for the API (default CMD) and the worker (`node dist/apps/worker/src/main.js`).
ARG NODE_IMAGE=node:20-bookworm-slim
# package.json#allowScripts (which install scripts may run) is honoured by npm 11 only; npm 10, the
# one in the Node 20 image, ignores it and would run every install script. Same npm as the lockfile's.
ARG NPM_VERSION=11.19.1

# ── npm 11 and the manifests ────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION
RUN npm install --global --no-audit --no-fund "npm@${NPM_VERSION}" && npm cache clean --force
WORKDIR /app
COPY package.json package-lock.json .npmrc ./

# ── build: every dependency, compile to dist/ ────────────────────────────────
FROM base AS build
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm run build:console

# ── production dependencies only ─────────────────────────────────────────────
FROM base AS prod-deps
RUN npm ci --omit=dev && npm cache clean --force

# ── runtime ─────────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
COPY templates ./templates
# DATA_DIR (./.touchbase): the generated admin key, the log SMS driver's file. Writable by `node` only;
# code and dependencies stay owned by root.
RUN mkdir -p .touchbase && chown node:node .touchbase
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:${PORT:-3000}/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/apps/api/src/main.js"]
