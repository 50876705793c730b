# The current LTS (Node 24); the code also runs on 20 and 22 (README).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Same clean install as CI (see .ci/run for why not `npm ci`).
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# A V8 heap limit keeps RSS flat under streaming work (imports: 203 MB at 100k rows, 212 MB at 1M;
# uncapped V8 let it grow to 391 MB; the worker's 1M-resident send: 221 MB, uncapped 432-483 MB).
# See libs/imports/README.md "Scale" and docs/benchmarks.md; `npm run bench` runs the worker and
# the API with this line. Raise it if a deployment's own measurements ask for more.
# A 32 MB young generation (V8's default is 16 MB): each e-mail allocates ~30 KB of short-lived
# strings and buffers, and with 16 MB the scavenges cost the worker ~0.1 ms an e-mail (bench at
# 100k residents: 0.628 → 0.524 ms of worker CPU per e-mail, RSS 230 → 257 MB; 64 MB: 316 MB).
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=32"

COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
