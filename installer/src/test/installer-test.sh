#!/usr/bin/env bash
# Installer test (run by ./test): builds the app image and, where dpkg-deb exists, the .deb with
# the one Maven command users run; unpacks the .deb into a scratch root; checks the image holds no
# test or build leftovers; then runs the installed `causvid-studio generate` from a temp folder
# with a clean environment (no Maven, no repository, no JAVA_HOME) and checks the MP4 it writes.
#
#   installer/src/test/installer-test.sh            # builds, then tests
#   INSTALLER_TEST_SKIP_BUILD=1 …                   # tests the image already in installer/target
#   CAUSVID_MVN_ARGS="-o" …                          # extra Maven flags (offline, …)
#
# Bundles models/default when it holds a pack, else the engine's tiny test pack.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"

fail() {
  echo "INSTALLER TEST FAILED: $*" >&2
  exit 1
}

pack="models/default"
if [[ ! -f "$pack/manifest.json" ]]; then
  pack="engine/src/test/resources/tiny-pack"
fi
dest="$root/installer/target/jpackage"

if [[ -z "${INSTALLER_TEST_SKIP_BUILD:-}" ]]; then
  echo "== installer: building the app image and native package (pack: $pack)"
  start=$SECONDS
  # gzip -1 instead of dpkg's default xz: the test needs a valid .deb, not the smallest one
  # (xz on ~180 MB of jars takes minutes on two cores). Release builds keep xz.
  # shellcheck disable=SC2086
  DPKG_DEB_COMPRESSOR_TYPE=gzip DPKG_DEB_COMPRESSOR_LEVEL=1 \
    mvn -B -q -Dstyle.color=never ${CAUSVID_MVN_ARGS:-} -Pinstaller package -pl installer -am \
    -DskipTests "-Dinstaller.pack=$pack" >/tmp/causvid-installer-build.$$.log 2>&1 ||
    { cat /tmp/causvid-installer-build.$$.log; fail "the installer build failed"; }
  grep '^\[installer\] \(app image\|installer\):' /tmp/causvid-installer-build.$$.log || true
  rm -f /tmp/causvid-installer-build.$$.log
  echo "   built in $((SECONDS - start)) s"
fi

image="$dest/causvid-studio"
[[ -x "$image/bin/causvid-studio" ]] || fail "no app image launcher at $image/bin/causvid-studio"

scratch="$(mktemp -d /tmp/causvid-installer-test.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

deb="$(find "$dest" -maxdepth 1 -name 'causvid-studio_*.deb' -print -quit)"
if command -v dpkg-deb >/dev/null 2>&1; then
  [[ -n "$deb" ]] || fail "dpkg-deb is installed but no .deb was built in $dest"
  echo "== installer: unpacking $(basename "$deb") into a scratch root"
  dpkg-deb -x "$deb" "$scratch/root"
  dpkg-deb -e "$deb" "$scratch/control"
  installed="$scratch/root/opt/causvid-studio"
  grep -q '^Package: causvid-studio$' "$scratch/control/control" || fail "control: wrong package"
  # JavaFX's natives load GTK 3 at run time, where jpackage's ldd scan cannot see them.
  grep -q '^Depends: .*, libgtk-3-0' "$scratch/control/control" || fail "control: no libgtk-3-0"
  grep -q 'ln -sf /opt/causvid-studio/bin/causvid-studio /usr/bin/causvid-studio' \
    "$scratch/control/postinst" || fail "postinst does not put causvid-studio on PATH"
  desktop="$(find "$installed/lib" -maxdepth 1 -type f -name '*.desktop' -print -quit)"
  [[ -n "$desktop" ]] || fail "no .desktop entry in the package"
  grep -q '^Name=CausVid Studio$' "$desktop" || fail "$desktop: no Name=CausVid Studio"
  grep -q '^Exec=/opt/causvid-studio/bin/causvid-studio$' "$desktop" || fail "$desktop: bad Exec"
  icon="$(sed -n 's/^Icon=//p' "$desktop")"
  [[ -f "$scratch/root$icon" ]] || fail "$desktop: icon $icon is not in the package"
  grep -q "xdg-desktop-menu install .*$(basename "$desktop")" "$scratch/control/postinst" ||
    fail "postinst does not register the menu entry"
else
  echo "== installer: no dpkg-deb here; testing the app image in place"
  installed="$image"
fi

echo "== installer: no test or build leftovers in the image"
leftovers="$(find "$installed" \( -name '*Test.class' -o -name '*Test$*.class' -o -name '*Tests.class' \
  -o -name 'surefire*' -o -name 'test-classes' -o -name 'maven-status' -o -name 'spotless-index' \
  -o -name '.built-*' -o -name 'generated-test-sources' -o -name '*.java' \) -print)"
[[ -z "$leftovers" ]] || fail "build leftovers in the image: $leftovers"
test_jars="$(find "$installed/lib/app" -name '*.jar' | grep -E -i \
  '/(junit|testfx|openjfx-monocle|hamcrest|opentest4j|apiguardian|mockito|assertj)[^/]*\.jar$' || true)"
[[ -z "$test_jars" ]] || fail "test libraries in the image: $test_jars"
# Test resources: no jar may carry a file that only src/test/resources holds.
test_resources="$(cd "$root" && for d in */src/test/resources; do
  [[ -d "$d" ]] && (cd "$d" && find . -type f | sed 's|^\./||')
done | sort -u)"
for jar in "$installed"/lib/app/*.jar "$installed"/lib/app/lib/*.jar; do
  entries="$(unzip -Z1 "$jar")"
  # Our own classes only: third-party jars have real classes named *Test (javafx DepthTest).
  bad="$(grep -E '^studio/causvid/.*Tests?(\$[^/]*)?\.class$|(^|/)(surefire|test-classes)(/|$)' \
    <<<"$entries" || true)"
  [[ -z "$bad" ]] || fail "$(basename "$jar") holds test classes: $(head -3 <<<"$bad")"
  if [[ -n "$test_resources" ]]; then
    bad="$(grep -Fx -f <(printf '%s\n' "$test_resources") <<<"$entries" || true)"
    [[ -z "$bad" ]] || fail "$(basename "$jar") holds test resources: $(head -3 <<<"$bad")"
  fi
done
[[ -f "$installed/lib/app/models/default/manifest.json" ]] || fail "no bundled model pack"
[[ -x "$installed/lib/runtime/bin/java" ]] || fail "no bundled Java runtime"

echo "== installer: the launcher passes ./studio's JVM flags"
cfg="$installed/lib/app/causvid-studio.cfg"
for flag in $(sed -n '/^exec java/,/-jar/p' "$root/studio" | grep -o -E -- '-X[^ "$]+'); do
  grep -q -x -F -- "java-options=$flag" "$cfg" || fail "$cfg lacks $flag (./studio passes it)"
done

echo "== installer: the class-data archive (made as postinst makes it) is the one the launcher maps"
if [[ -n "$deb" ]]; then
  grep -q 'class-archive.sh /opt/causvid-studio/lib/runtime/bin/java' "$scratch/control/postinst" ||
    fail "postinst does not make the class-data archive"
  grep -q 'rm -f /opt/causvid-studio/lib/app/causvid-studio.jsa' "$scratch/control/prerm" ||
    fail "prerm does not remove the class-data archive"
fi
sh "$installed/lib/app/class-archive.sh" "$installed/lib/runtime/bin/java" \
  "$installed/lib/app/causvid-studio.jar" "$installed/lib/app/studio.classlist" \
  "$installed/lib/app/causvid-studio.jsa" || fail "class-archive.sh failed"
# -Xshare:on turns an archive the JVM would quietly ignore (moved jars, another Java) into an error.
env -i HOME="$scratch" PATH=/usr/bin:/bin JAVA_TOOL_OPTIONS=-Xshare:on \
  "$installed/bin/causvid-studio" --version >"$scratch/cds.log" 2>&1 ||
  { cat "$scratch/cds.log"; fail "the launcher cannot map the class-data archive"; }

echo "== installer: causvid-studio generate, from a temp folder, clean environment"
mkdir -p "$scratch/cwd" "$scratch/home"
cd "$scratch/cwd"
run_installed() {
  env -i HOME="$scratch/home" PATH=/usr/bin:/bin LANG=C.UTF-8 TMPDIR="$scratch" \
    "$installed/bin/causvid-studio" "$@"
}
out="$scratch/x.mp4"
log="$scratch/generate.log"
start=$SECONDS
run_installed generate --prompt "a red ball bouncing" --seconds 1 --seed 1 --out "$out" \
  >"$log" 2>&1 || { cat "$log"; fail "causvid-studio generate failed"; }
tail -n 1 "$log"
echo "   ran in $((SECONDS - start)) s"

[[ -s "$out" ]] || fail "no MP4 at $out"
[[ "$(head -c 8 "$out" | tail -c 4)" == "ftyp" ]] || fail "$out is not an MP4 (no ftyp box)"
manifest="$installed/lib/app/models/default/manifest.json"
read -r want_w want_h fps < <(/usr/bin/python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))["video"]
print(v["width"], v["height"], v["fps"])' "$manifest")
if command -v ffprobe >/dev/null 2>&1; then
  probe="$(ffprobe -v error -count_frames -select_streams v:0 \
    -show_entries stream=codec_name,width,height,nb_read_frames -of csv=p=0 "$out")" ||
    fail "ffprobe cannot read $out"
  IFS=, read -r codec w h frames <<<"$probe"
  echo "   $out: $codec ${w}x$h, $frames frames (pack: ${want_w}x$want_h at $fps fps)"
  [[ "$codec" == "h264" ]] || fail "codec is $codec, not h264"
  [[ "$w" == "$want_w" && "$h" == "$want_h" ]] || fail "size ${w}x$h, pack says ${want_w}x$want_h"
  ((frames >= fps)) || fail "$frames frames for 1 s at $fps fps"
  grep -q "Wrote $out ($frames frames)" "$log" || fail "the log does not report $frames frames"
else
  echo "   no ffprobe here: checked the MP4 header only"
fi

echo "== installer: a user's pack by name from ~/.local/share/causvid-studio/models"
user_packs="$scratch/home/.local/share/causvid-studio/models"
mkdir -p "$user_packs"
cp -r "$installed/lib/app/models/default" "$user_packs/mine"
run_installed generate --model mine --prompt "a red ball bouncing" --seconds 1 --seed 1 \
  --out "$scratch/mine.mp4" >"$log" 2>&1 || { cat "$log"; fail "generate --model mine failed"; }
cmp -s "$out" "$scratch/mine.mp4" || fail "the same pack and seed gave a different clip"
rm -rf "$user_packs/mine"
if run_installed generate --model nowhere --prompt x --seconds 1 --out "$scratch/n.mp4" \
  >"$log" 2>&1; then
  fail "generate with a missing pack succeeded"
fi
grep -q "No model pack at nowhere" "$log" || { cat "$log"; fail "unclear missing-pack message"; }

echo "== installer: OK ($(du -sh "$installed" | cut -f1) installed${deb:+, .deb $(du -h "$deb" | cut -f1)})"
