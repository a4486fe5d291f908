#!/bin/sh
# Builds a class-data sharing archive: the classes named in CLASSLIST (what a studio session loads
# from launch through its first generation), parsed, verified and laid out once, so that every
# later start maps them instead. The JVM records the jars' paths, sizes and dates in it and ignores
# an archive that no longer matches them (or another Java), so it is made where the jars will run:
# by ./studio for a source checkout, by the .deb's postinst for an install.
#   class-archive.sh JAVA JAR CLASSLIST ARCHIVE
# Exits non-zero and leaves no archive behind when the dump fails (a full disk, a read-only
# folder); the studio then starts without one.
set -u
java="$1" jar="$2" classlist="$3" archive="$4"
# Written beside the archive and renamed into place, so that a studio starting meanwhile (a
# second launch) sees the old archive or the new one, never half of one.
tmp="$archive.tmp.$$"
if "$java" -Xshare:dump -XX:SharedClassListFile="$classlist" -XX:SharedArchiveFile="$tmp" \
    -cp "$jar" >/dev/null 2>&1 && mv -f "$tmp" "$archive"; then
  exit 0
fi
rm -f "$tmp" "$archive"
exit 1
