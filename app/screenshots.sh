#!/usr/bin/env bash
# Retakes docs/images/*.png from the real window (GTK under Xvfb) with the toy model pack.
#   app/screenshots.sh            (from the repository root)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
display=:97
Xvfb "$display" -screen 0 1400x900x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 1
DISPLAY="$display" mvn -o -q test -pl app -am -Dtest=ScreenshotTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dscreenshots.dir="$root/docs/images" -Dtestfx.headless=false -Dglass.platform=gtk -Dmonocle.platform= \
  -Dprism.order=sw
ls -l docs/images
