#!/bin/bash
# Usage: npm run build && F=0.9 bash scripts/measure/target-lower-end.sh (columns: tenant, mode, target,
# budget, ROAS, its 80% lower end, true ROAS). Target ROAS met by the point vs by the 80% lower end, judged by the truth (built-in extreme/high).
# Target per tenant: F x the checked plan's ROAS at the historical budget.
REPO=${REPO:-.}; F=${F:-0.9}
export WV_MMM_STATE_DIR=${STATE:-/tmp/wvs-tgt}
CLI="node $REPO/dist/src/cli/main.js"
for t in extreme_ski_gear extreme_sunscreen extreme_rain_gear extreme_heating extreme_cooling high_winter_clothing high_summer_clothing high_umbrella_rain high_gym_activity high_outdoor_gear; do
  roas=$($CLI plan --tenant $t --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).plan.roas))')
  target=$(node -e "console.log(($roas*$F).toFixed(3))")
  for mode in point lower; do
    flag=""; [ $mode = lower ] && flag="--target-lower-end"
    out=$($CLI plan --tenant $t --target-roas $target $flag --json 2>&1)
    echo "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const p=JSON.parse(s).plan;const sp=p.budget-(p.held?.spend??0);const iv=p.uncertainty.incremental_revenue_interval;console.log(process.argv[1],process.argv[2],process.argv[3],p.budget.toFixed(0),p.roas.toFixed(3),(iv.p80[0]/sp).toFixed(3),(p.truth.plan_incremental/p.budget).toFixed(3))}catch(e){console.log(process.argv[1],process.argv[2],process.argv[3],"ERROR",s.slice(0,160).replace(/\n/g," "))}})' $t $mode $target
  done
done
