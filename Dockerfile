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
# A 16 MB semi-space, for the Node 24 this image runs (`npm run bench:node24`, session 18): at
# 32 MB the worker's 1M-resident send peaked at 308 MB RSS (over the 300 MB target) and was no
# faster; at 16 MB, 274 MB. (Session 15 chose 32 MB on Node 20, where it cut the worker's CPU per
# e-mail 0.628 → 0.524 ms; on Node 24, 100k residents, 32 → 16 MB: 0.626 → 0.583 ms, RSS 305 → 280 MB.)
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=16"

COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
