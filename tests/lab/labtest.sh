# Shared by the namespace integration tests: PASS/FAIL bookkeeping, a clock,
# and "who holds the VIP". Source after lab.sh; the caller sets $lab.
failures=0
check() {   # name, condition exit status, detail
  if [[ $2 -eq 0 ]]; then echo "PASS $1 ${3:-}"; else echo "FAIL $1 ${3:-}"; failures=$((failures + 1)); fi
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
has_vip() { ip -n "$lab-$1" -br addr show eth0 2>/dev/null | grep -q ' 192\.0\.2\.100/24'; }
only_holder() { has_vip "$1" && ! has_vip "$2"; }   # exactly host $1 holds the VIP
