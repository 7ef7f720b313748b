# syntax=docker/dockerfile:1
#
# icsync container image (reliability.md S-12, style.md principle 15).
#
#   docker build -t icsync:0.1.0 .
#   docker run --rm --read-only --tmpfs /tmp icsync:0.1.0 --help
#
# Stages:
#   build      npm ci + npm run build (tsc -p tsconfig.build.json → dist/, tests excluded)
#   prod-deps  npm ci --omit=dev --ignore-scripts: production node_modules only, no install scripts run
#   runtime    distroless Node.js: no shell, no npm; only dist/, package.json and production node_modules
#
# Base images are pinned by digest so a rebuild uses exactly the reviewed bytes and a moved tag
# cannot change the image silently. These digests were taken from public Dockerfiles that pin the
# same tags; they could not be pulled or checked from the machine this file was written on.
# Before a release, and whenever a base image is refreshed (OS or Node security fixes), verify or
# replace them with the registry's answer, e.g.
#   docker buildx imagetools inspect node:20-bookworm-slim
#   docker buildx imagetools inspect gcr.io/distroless/nodejs20-debian12:nonroot
# and prefer a bot (Renovate or Dependabot "docker") that proposes digest bumps.
# Node.js 20 left upstream support on 2026-04-30; the runtime follows the version the test suite
# runs on, so move both stages to 22 (nodejs22-debian12, as S-12 suggests) together with CI.
ARG BUILD_IMAGE=node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot@sha256:2cd820156cf039c8b54ae2d2a97e424b6729070714de8707a6b79f20d56f6a9a

FROM ${BUILD_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${BUILD_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency runs code at install time. The one production package with an
# install script (msgpackr-extract, optional, under bullmq) only builds a native speed-up that
# msgpackr loads from its prebuilt platform package or replaces with plain JavaScript.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${RUNTIME_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Numeric user: the kubelet can only verify runAsNonRoot against a numeric image user
# (https://kubernetes.io/docs/concepts/security/pod-security-standards/). 65532 is distroless's
# "nonroot". Nothing in the image is writable by it, so the container runs with a read-only root
# filesystem; the only writes are the state store (state.path on a mounted volume, or
# state.kind: redis), an optional --report file and /tmp (mount an emptyDir or tmpfs there).
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node", "dist/cli/main.js"]
CMD ["--help"]
