#!/usr/bin/env bash
# Installs Logto's own mock connectors (mock-social, mock-email) into a real Logto built from source, so that the
# processor ITs can run IdentityLink (a social connector) and PasswordExpirationSet with the policy on (Logto only
# enables password expiration with a forgot-password method, which needs an email connector) against it.
#
#   ops/real-logto/install-mock-connectors.sh LOGTO_SOURCE_DIR
#
# LOGTO_SOURCE_DIR is the Logto checkout the server runs from (with packages/core and packages/connectors and
# core's node_modules installed, e.g. WORKDIR/logto of shared real-logto/up.sh). The connectors are compiled from
# that checkout's sources with its own esbuild and copied into packages/core/connectors.
#
# Logto reads that folder once, at the first connector request after start, and caches what it found; a server
# that has answered a connector request before the folder existed needs no restart (it had found no folder and
# cached nothing), one that has loaded connectors already does. The folder appears in one rename, after each
# connector was loaded once by the same Node, so Logto never sees half of it. The connector instances themselves
# (ids mock-social and mock-email) are created by the ITs through the Management API.
set -euo pipefail

SRC=${1:?usage: $0 LOGTO_SOURCE_DIR}
SRC=$(cd "$SRC" && pwd)
CORE="$SRC/packages/core"
DEST="$CORE/connectors"
CONNECTORS=(connector-mock-social connector-mock-email)
die() { printf 'install-mock-connectors: %s\n' "$*" >&2; exit 1; }

[[ -f "$CORE/package.json" && -d "$CORE/node_modules/@logto/connector-kit" ]] \
  || die "$SRC is not a Logto checkout with core's dependencies installed"
if [[ -d "$DEST" ]]; then
  for c in "${CONNECTORS[@]}"; do
    [[ -f "$DEST/$c/lib/index.js" ]] || die "$DEST exists without $c; add it by hand and restart Logto"
  done
  echo "mock connectors already installed in $DEST"
  exit 0
fi

NODE=$(command -v node)
for candidate in "$SRC/../tools/node_modules/.bin/node"; do
  [[ -x "$candidate" ]] && NODE=$candidate
done
[[ "$("$NODE" -p 'process.versions.node.split(".")[0]')" -ge 22 ]] || die "need Node 22 (Logto's), found $("$NODE" --version)"
ESBUILD=$(ls -d "$SRC"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild 2>/dev/null | sort -V | tail -1)
[[ -n "$ESBUILD" ]] || die "no esbuild under $SRC/node_modules/.pnpm (it comes with Logto's build tools)"

TMP="$CORE/connectors.tmp"
rm -rf "$TMP"
mkdir -p "$TMP"
for c in "${CONNECTORS[@]}"; do
  from="$SRC/packages/connectors/$c"
  [[ -d "$from/src" ]] || die "no sources at $from"
  mkdir -p "$TMP/$c"
  cp -r "$from/package.json" "$from/README.md" "$from/logo.svg" "$from/docs" "$TMP/$c/"
  sources=$(ls "$from"/src/*.ts | grep -v '\.test\.ts$')
  # shellcheck disable=SC2086
  "$NODE" "$ESBUILD" $sources --outdir="$TMP/$c/lib" --format=esm --platform=node --target=node22 --tsconfig-raw={} --log-level=warning
  # Loaded from here, the imports (zod, @logto/connector-kit, @silverhand/essentials) resolve to core's own.
  "$NODE" --input-type=module -e "
    const m = await import('$TMP/$c/lib/index.js');
    const c = await m.default({ getConfig: async () => ({}) });
    console.log('compiled $c: metadata id ' + c.metadata.id + ', type ' + c.type);
  "
done
mv "$TMP" "$DEST"
echo "installed ${CONNECTORS[*]} into $DEST"
