#!/usr/bin/env bash
# The main job on the embedded default: install, build, then a jeweller's
# day on the simulated rig (scripted Marlin firmware on a pseudo-terminal and
# the simulated ASET camera) with a SQLite gallery and the shipped model.
#   1. eight stones of the tray data/trays/demo-4x4.toml are enrolled at sale;
#   2. they come back in data/trays/demo-returns.toml: six as themselves,
#      one switched for another stone of the same cut, and one that this shop
#      never sold; each is verified (or identified) and a table is printed.
# Exits 0 when every verdict is right: the switched stones must be caught.
set -euo pipefail
cd "$(dirname "$0")/.."
start_all=$(date +%s)

tools/install-deps.sh
DIAREID_BUILD_TESTS=OFF DIAREID_BUILD_BENCH=OFF tools/build.sh
bin=${BUILD_DIR:-build}/src/cli/diareid

work=${DEMO_DIR:-$(mktemp -d /tmp/diareid-demo.XXXXXX)}
mkdir -p "$work"
gallery="$work/gallery"
rig=data/rigs/simulated.toml
log="$work/demo.log"
echo
echo "demo: gallery $gallery, log $log"
start_job=$(date +%s.%N)

run() { "$bin" --gallery "$gallery" --log-file "$log" --log-level warn "$@"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f s", b-a}'; }

echo
echo "== At the sale: enrol each stone through the rig (8 shots each) =="
for well in A1 A2 A3 A4 B1 B2 B3 B4; do
  id=$(awk -v w="[wells.$well]" '$0==w{f=1;next} f&&/^id/{gsub(/"/,"",$3);print $3;exit}' \
    data/trays/demo-4x4.toml)
  t=$(date +%s.%N)
  run enrol --id "$id" --sale "INV-$well" --rig "$rig" \
    --tray data/trays/demo-4x4.toml --well "$well" --shots 8 >/dev/null
  printf '  enrolled %-10s from well %s  (%s)\n' "$id" "$well" "$(elapsed "$t")"
done

echo
echo "== On return: each stone is put into a new tray and checked =="
printf '\n  %-5s %-11s %-26s %-16s %9s %10s %8s\n' well claimed "truth" verdict \
  distance threshold time
failures=0
check() {  # well claimed truth expected
  local well=$1 claimed=$2 truth=$3 expected=$4 out verdict distance threshold
  local t
  t=$(date +%s.%N)
  if [ "$claimed" = "-" ]; then
    out=$(run identify --rig "$rig" --tray data/trays/demo-returns.toml \
      --well "$well" --shots 8 --top 1 || true)
    distance=$(echo "$out" | awk 'NR==2{print $3}')
    threshold=$(echo "$out" | sed -n 's/.*threshold \([0-9.]*\)).*/\1/p')
    if echo "$out" | awk 'NR==2' | grep -q "same stone"; then
      verdict="MATCHES $(echo "$out" | awk 'NR==2{print $2}')"
    else
      verdict="NOT IN GALLERY"
    fi
  else
    out=$(run verify --id "$claimed" --rig "$rig" \
      --tray data/trays/demo-returns.toml --well "$well" --shots 8 || true)
    verdict=$(echo "$out" | head -1 | cut -d: -f1)
    distance=$(echo "$out" | sed -n 's/.*distance \([0-9.]*\) .*/\1/p' | head -1)
    threshold=$(echo "$out" | sed -n 's/.*threshold \([0-9.]*\)).*/\1/p')
  fi
  local mark="ok"
  if [ "$verdict" != "$expected" ]; then
    mark="WRONG (expected $expected)"
    failures=$((failures + 1))
  fi
  printf '  %-5s %-11s %-26s %-16s %9s %10s %8s  %s\n' "$well" "$claimed" \
    "$truth" "$verdict" "${distance:--}" "${threshold:--}" "$(elapsed "$t")" \
    "$mark"
}
check A1 demo-0000 "the stone sold" "SAME STONE"
check A2 demo-0001 "the stone sold" "SAME STONE"
check A3 demo-0002 "the stone sold" "SAME STONE"
check A4 demo-0003 "the stone sold" "SAME STONE"
check B1 demo-0004 "the stone sold" "SAME STONE"
check B2 demo-0005 "the stone sold" "SAME STONE"
check B3 demo-0006 "SWITCHED (same cut)" "DIFFERENT STONE"
check B4 - "never sold here" "NOT IN GALLERY"

echo
"$bin" --gallery "$gallery" gallery check >/dev/null && echo "  gallery check: intact"
echo
echo "demo: main job $(elapsed "$start_job"), whole command $(( $(date +%s) - start_all )) s"
if [ "$failures" -gt 0 ]; then
  echo "demo: $failures verdict(s) wrong" >&2
  exit 1
fi
echo "demo: every verdict right; the switched stones were caught"
