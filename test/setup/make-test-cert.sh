#!/usr/bin/env bash
# Makes the self-signed certificate the https fakes (Graph, Entra token endpoint, Okta) serve on
# 127.0.0.1. `npm test` runs this first and passes the certificate to Node as NODE_EXTRA_CA_CERTS,
# so the real SDKs verify it like any other CA (https://nodejs.org/api/cli.html#node_extra_ca_certsfile).
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/.tls"
mkdir -p "$dir"
if [ -s "$dir/cert.pem" ] && openssl x509 -checkend 86400 -noout -in "$dir/cert.pem" >/dev/null 2>&1; then
  exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1
chmod 600 "$dir/key.pem"
