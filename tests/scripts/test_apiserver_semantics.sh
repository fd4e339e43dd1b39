#!/usr/bin/env bash
# Semantics of the test API server (pagination, 409/410/429/500, dryRun, watch,
# metadata-only Secrets, RBAC, TLS client certificates): python unittest, which
# starts and stops its own servers on free ports.
set -euo pipefail
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$SRC"
exec timeout 300 python3 -m unittest -v tests/apiserver/test_semantics.py
