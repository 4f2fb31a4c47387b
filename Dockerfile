# modelguard in a container: scan a mounted folder read-only.
#   docker build -t modelguard .
#   docker run --rm --read-only -v "$PWD:/scan:ro" modelguard scan .
#   docker run --rm --read-only -v "$PWD:/scan:ro" modelguard scan --format sarif . > modelguard.sarif
#
# Stage 1 builds the package tarball exactly as `npm publish` would (prepack).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-cli.mjs ./scripts/build-cli.mjs
COPY src ./src
COPY docs/scan-report.schema.json ./docs/scan-report.schema.json
COPY README.md LICENSE CHANGELOG.md ./
RUN npm pack --pack-destination /tmp && mv /tmp/modelguard-*.tgz /tmp/modelguard.tgz

# Stage 2: the tarball installed with production dependencies only; no
# compiler, no sources, no npm cache; runs as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production NO_UPDATE_NOTIFIER=1 NPM_CONFIG_UPDATE_NOTIFIER=false
COPY --from=build /tmp/modelguard.tgz /tmp/modelguard.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/modelguard.tgz \
  && rm -rf /tmp/modelguard.tgz /root/.npm
USER node
WORKDIR /scan
ENTRYPOINT ["modelguard"]
CMD ["--help"]
