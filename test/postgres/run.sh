#!/usr/bin/env bash
# npm run test:postgres: the PostgreSQL store's tests (the contract suite, the multi-instance races) on a
# throwaway cluster (cluster.sh), stopped and removed afterwards. `npm run test:postgres -- all` runs the
# whole suite with it, as CI does.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(test/postgres/cluster.sh)"
trap 'test/postgres/cluster.sh stop "$PORTICO_TEST_POSTGRES_DIR"' EXIT
if [ "${1:-}" = all ]; then
  npm test
else
  npm run build
  # Every test that needs PostgreSQL is named postgres-*.
  node --test $(find dist/test -name 'postgres-*.test.js' | sort)
fi
