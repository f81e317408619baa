#!/usr/bin/env bash
# Checks that this machine can run weathervane-mmm: Node version and ABI, the better-sqlite3
# native module, a writable and migrated state directory (through the built dist), then a smoke
# run: one tenant trained through phase 1 in a temporary state directory.
# Prints each check; exits non-zero on the first failure. Run `npm run build` first.
set -uo pipefail
cd "$(dirname "$0")/.."

NODE=${NODE:-node}
STATE_DIR=${WV_MMM_STATE_DIR:-$PWD/state}
step=0

ok() { echo "ok   $step. $1"; }
fail() {
  echo "FAIL $step. $1" >&2
  [ $# -gt 1 ] && echo "     fix: $2" >&2
  exit "$step"
}
next() { step=$((step + 1)); }

next
if ! command -v "$NODE" >/dev/null 2>&1; then
  fail "node not found on PATH" "install Node.js 20.19+ (or 22+)"
fi
version=$("$NODE" -p 'process.versions.node')
abi=$("$NODE" -p 'process.versions.modules')
if ! "$NODE" -e '
  const [maj, min] = process.versions.node.split(".").map(Number);
  process.exit((maj === 20 && min >= 19) || maj >= 22 ? 0 : 1);
'; then
  fail "node $version is too old (need 20.19+ or 22+)" "install a newer Node.js"
fi
ok "node $version (ABI $abi) at $(command -v "$NODE")"

next
if ! out=$("$NODE" -e '
  const Database = require("better-sqlite3");
  const db = new Database(":memory:");
  const v = db.prepare("select sqlite_version() as v").get().v;
  db.close();
  console.log(v);
' 2>&1); then
  echo "$out" | tail -5 >&2
  fail "better-sqlite3 does not load under node $version (ABI $abi)" \
    "run 'npm rebuild better-sqlite3' with this same node, or start the server with the node it was built for"
fi
ok "better-sqlite3 loads (SQLite $out)"

next
if [ ! -f dist/src/store/index.js ] || [ ! -f dist/src/cli/main.js ] || [ ! -f dist/src/mcp/stdio.js ]; then
  fail "the build is missing (dist/src/{store,cli,mcp})" "run 'npm run build'"
fi
ok "build present (dist/)"

next
if ! out=$("$NODE" --input-type=module -e '
  import { openStore, SCHEMA_VERSION } from "./dist/src/store/index.js";
  const store = openStore(process.argv[1]);
  try {
    const v = store.schemaVersion();
    if (v !== SCHEMA_VERSION) throw new Error(`schema version ${v}, expected ${SCHEMA_VERSION}`);
    console.log(v);
  } finally {
    store.close();
  }
' "$STATE_DIR" 2>&1); then
  echo "$out" | tail -5 >&2
  fail "state directory $STATE_DIR is not writable or not migrated" \
    "set WV_MMM_STATE_DIR to a writable directory"
fi
ok "state directory $STATE_DIR writable, schema version $out"

next
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wv-mmm-check-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! out=$(WV_MMM_STATE_DIR="$tmp" "$NODE" dist/src/cli/main.js train --tenant extreme_ski_gear --phase 1 --json 2>&1); then
  echo "$out" | tail -10 >&2
  fail "smoke: training extreme_ski_gear through phase 1 failed"
fi
if ! summary=$(printf '%s' "$out" | "$NODE" -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const r = JSON.parse(s);
    if (r.tenant !== "extreme_ski_gear" || r.phase !== 1 || !Number.isFinite(r.mean_r2)) {
      console.error("unexpected result: " + s.slice(0, 300)); process.exit(1);
    }
    console.log(`mean R² ${r.mean_r2.toFixed(3)} over ${r.fold_r2.length} folds, ${r.passes ? "passes" : "fails"}`);
  });
' 2>&1); then
  echo "$summary" >&2
  fail "smoke: the train command did not print a phase 1 result as JSON"
fi
ok "smoke: extreme_ski_gear phase 1 trained in a temporary state directory ($summary)"

echo "all $step checks passed"
