#!/usr/bin/env bash
# Retakes docs/images/*.png from the real window (GTK under Xvfb), with models/default when it is
# there (else the engine's toy pack) and a photo never seen in training when scikit-image is installed.
#   app/screenshots.sh            (from the repository root)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
display=:97
Xvfb "$display" -screen 0 1400x900x24 -noreset >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 1
pack=""; [[ -f models/default/manifest.json ]] && pack="$root/models/default"
photo=""; [[ -f /usr/lib/python3/dist-packages/skimage/data/rocket.jpg ]] && photo=/usr/lib/python3/dist-packages/skimage/data/rocket.jpg
DISPLAY="$display" mvn -o -q test -pl app -am -Dtest=ScreenshotTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dscreenshots.dir="$root/docs/images" -Dtestfx.headless=false -Dglass.platform=gtk -Dmonocle.platform= \
  -Dprism.order=sw -Dscreenshots.pack="$pack" -Dscreenshots.photo="$photo"
ls -l docs/images
