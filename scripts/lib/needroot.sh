# need_root WHAT "$0" "$@": a script that needs root re-runs itself with sudo
# when there is sudo, and otherwise says so in one line and exits 1 (a fresh
# Debian 12 root machine has no sudo; as root nothing happens).
need_root() {
  local what=$1; shift
  [[ $EUID -eq 0 ]] && return 0
  if command -v sudo >/dev/null 2>&1; then exec sudo -E "$@"; fi
  echo "$(basename "$1"): needs root ($what); run it as root" >&2
  exit 1
}
