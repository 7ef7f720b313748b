# syntax=docker/dockerfile:1
#
# icsync container image.
#
#   docker build -t icsync:0.1.0 --build-arg REVISION="$(git rev-parse HEAD)" --build-arg SOURCE=<repository URL> .
#   docker run --rm --read-only --tmpfs /tmp icsync:0.1.0 --help
#
# Stages:
#   build      npm ci + npm run build (tsc -p tsconfig.build.json → dist/, tests excluded), then the
#              SCIM emulator and the demo are removed from dist/: they are development tools
#   prod-deps  npm ci --omit=dev --ignore-scripts: production node_modules only, no install scripts
#              run; type declarations (@types/*) that dependencies list are removed, Node never loads them
#   runtime    distroless Node.js 22: no shell, no npm; only dist/, package.json and production node_modules
#
# Node.js 22 (LTS): Node 20 left upstream support on 2026-04-30
# (https://github.com/nodejs/release#release-schedule). The build stage's tag names the exact
# release (22.23.3), which .ci/node.sh installs for the test suite; the runtime image is
# distroless's nodejs22 line, whose Node release is the one in the pinned digest.
#
# Base images are pinned by digest so a rebuild uses exactly the reviewed bytes and a moved tag
# cannot change the image silently. These digests were taken from public Dockerfiles that pin the
# same tags; they could not be pulled or checked from the machine this file was written on.
# Verify them before a release with the registry's answer, e.g.
#   docker buildx imagetools inspect node:22.23.3-bookworm-slim
#   docker buildx imagetools inspect gcr.io/distroless/nodejs22-debian12:nonroot
# Renovate (renovate.json) proposes digest bumps for both.
ARG BUILD_IMAGE=node:22.23.3-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs22-debian12:nonroot@sha256:13593b7570658e8477de39e2f4a1dd25db2f836d68a0ba771251572d23bb4f8e

FROM ${BUILD_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && rm -rf dist/emulator dist/cli/emulator-command.js dist/cli/demo.js

FROM ${BUILD_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency runs code at install time. The one production package with an
# install script (msgpackr-extract, optional, under bullmq) only builds a native speed-up that
# msgpackr loads from its prebuilt platform package or replaces with plain JavaScript.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && find node_modules -type d -name @types -prune -exec rm -rf {} +

FROM ${RUNTIME_IMAGE}
# OCI annotations (https://github.com/opencontainers/image-spec/blob/main/annotations.md).
# VERSION follows package.json (a test checks it); pass the repository URL and the commit at build
# time: --build-arg SOURCE=<repository URL> --build-arg REVISION="$(git rev-parse HEAD)".
ARG VERSION=0.1.0
ARG SOURCE=unknown
ARG REVISION=unknown
LABEL org.opencontainers.image.title="icsync" \
      org.opencontainers.image.description="Keeps AWS IAM Identity Center in sync with LDAP/Active Directory, Entra ID and Okta over SCIM" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
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
