#!/bin/bash
# A set of generated tenants of other shapes than the built-in 20 (weekly 2-3 years, daily 1-2
# years, 3-10 channels, no or renamed weather, events, logistic/exponential saturation, delayed
# carry-over; seeds 59, 61, 67, 71), phases 0-3 through the CLI in a private state directory.
# Other seeds: S1=.. S2=.. S3=.. S4=.. bash scripts/measure/heldout.sh ... (the four sets' seeds).
# Usage: npm run build && bash scripts/measure/heldout.sh [repoDir] OUTDIR; then
#        node scripts/measure/heldout-table.mjs OUTDIR
set -euo pipefail
if [ $# -ge 2 ]; then REPO=$1; OUT=$2; else REPO=$PWD; OUT=$1; fi
mkdir -p "$OUT"
export WV_MMM_STATE_DIR=$(mktemp -d /tmp/heldout-XXXX)
CLI="node $REPO/dist/src/cli/main.js"
$CLI generate --tenants 2 --seed ${S1:-59} --prefix hw --frequency weekly --years 2 --channels 8 --correlation 0.6 --no-weather --events --saturation logistic --json > "$OUT"/gen1.json
$CLI generate --tenants 2 --seed ${S2:-61} --prefix hv --frequency weekly --years 3 --channels 5 --correlation 0.7 --renamed-weather --adstock delayed --json > "$OUT"/gen2.json
$CLI generate --tenants 2 --seed ${S3:-67} --prefix hd --frequency daily --years 2 --channels 10 --correlation 0.5 --saturation exponential --json > "$OUT"/gen3.json
$CLI generate --tenants 1 --seed ${S4:-71} --prefix hs --frequency daily --years 1 --channels 3 --events --json > "$OUT"/gen4.json
T=$(cat "$OUT"/gen*.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const ids=s.trim().split(/\n(?=\{)/).flatMap(x=>JSON.parse(x).tenants);console.log(ids.join(","))})')
echo "tenants $T" >&2
for p in 0 1 2 3; do $CLI run-phase --phase $p --tenants $T --json > "$OUT/p$p.json"; done
echo done > "$OUT"/DONE
