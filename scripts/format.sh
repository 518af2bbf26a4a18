#!/usr/bin/env bash
# Formats C++ sources with the repository's .clang-format.
#   scripts/format.sh              every tracked .cpp/.h, in place
#   scripts/format.sh FILES...     only these
#   scripts/format.sh --check ...  change nothing; list the files that differ, exit 1 if any
# Generated code (protobuf, moc) is not tracked, so it is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [[ ${1:-} == --check ]]; then
  check=1
  shift
fi
formatter=${CLANG_FORMAT:-}
if [[ -z $formatter ]]; then
  for candidate in clang-format clang-format-14 clang-format-15 clang-format-16; do
    if command -v "$candidate" >/dev/null; then formatter=$candidate; break; fi
  done
fi
if [[ -z $formatter ]]; then
  echo "format.sh: clang-format not found (Debian 12: apt-get install clang-format)" >&2
  exit 2
fi
if (($#)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
fi
differ=0
for f in "${files[@]}"; do
  case $f in *.cpp|*.h|*.cc|*.hpp) ;; *) continue ;; esac
  if ((check)); then
    if ! "$formatter" --style=file "$f" | cmp -s - "$f"; then
      echo "$f"
      differ=$((differ + 1))
    fi
  else
    "$formatter" --style=file -i "$f"
  fi
done
if ((check && differ)); then
  echo "format.sh: $differ of ${#files[@]} files differ from .clang-format (scripts/format.sh FILE fixes one)" >&2
  exit 1
fi
