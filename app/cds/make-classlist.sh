#!/usr/bin/env bash
# Re-records app/cds/studio.classlist: every class the studio loads from launch through a first
# generation (the window on the shipped pack, `./studio bench-ui`), as the JVM lists them with
# -XX:DumpLoadedClassList. The ./studio launcher and the .deb's postinst build a class-data archive
# from it. Re-run it when a change adds or renames many classes on that path; classes the list
# names but the jars no longer hold are skipped, so a stale list costs speed, never correctness.
#   app/cds/make-classlist.sh     (from anywhere; starts an Xvfb when there is no DISPLAY)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="app/cds/studio.classlist"
tmp="$(mktemp /tmp/causvid-classlist.XXXXXX)"
trap 'rm -f "$tmp"' EXIT
run=(env STUDIO_CDS=off STUDIO_JAVA_OPTS="-XX:DumpLoadedClassList=$tmp" ./studio bench-ui --seconds 4)
if [[ -z "${DISPLAY:-}" ]]; then
  run=(xvfb-run -a -s "-screen 0 1400x900x24 -noreset" "${run[@]}")
fi
"${run[@]}" >/dev/null
# The list names classes only; lambda and proxy shapes the JVM made at run time are re-made from
# their @lambda-proxy / @lambda-form-invoker lines. Classes generated under a numbered name
# (reflection accessors, proxies) cannot be found by name and are left out.
grep -v -E '(GeneratedMethodAccessor|GeneratedConstructorAccessor|\$Proxy[0-9])' "$tmp" >"$out"
echo "$out: $(grep -vc '^[#@]' "$out") classes, $(grep -c '^@' "$out") lambda lines"
