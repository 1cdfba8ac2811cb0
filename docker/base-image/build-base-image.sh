#!/usr/bin/env bash
# Builds the base image the offline image build (Maven profile `images`) starts from, as a `docker save`
# tarball that Jib reads through `tar://`: no Docker engine and no registry needed.
#
# One layer: a jlink'd Java runtime at /opt/java/openjdk (the same JAVA_HOME and PATH as the eclipse-temurin
# images the registry build uses), the few shared libraries that runtime needs, copied from this machine,
# an /etc/passwd naming the non-root user 10001, and a world-writable /tmp.
#
# Usage: build-base-image.sh OUTPUT_TAR [JAVA_HOME]
# Needs a JDK 17 with jmods (Debian: openjdk-17-jmods); without them the whole runtime of JAVA_HOME is copied.
set -euo pipefail

out=${1:?usage: build-base-image.sh OUTPUT_TAR [JAVA_HOME]}
java_home=${2:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
runtime=$root/opt/java/openjdk

# What Spring Boot, Netty, gRPC, Kafka clients, Mongo and Jakarta Mail use; java.desktop only for java.beans
# (no AWT at run time: the images are headless and its native libraries are never loaded).
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,\
java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,\
java.transaction.xa,java.xml,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.jfr,jdk.management,jdk.management.agent,\
jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs,jdk.httpserver,jdk.jcmd

mkdir -p "$root/opt/java"
if [ -d "$java_home/jmods" ]; then
  "$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$runtime"
else
  echo "no jmods in $java_home: copying its whole runtime" >&2
  mkdir -p "$runtime"
  cp -rL "$java_home/bin" "$java_home/conf" "$java_home/lib" "$java_home/release" "$runtime/"
fi

# Shared libraries of the launcher, the JVM and the runtime's own libraries, except the desktop ones.
libs=$( { ldd "$runtime/bin/java"; ldd "$runtime/lib/server/libjvm.so";
          find "$runtime/lib" -maxdepth 1 -name '*.so' \
            ! -name 'libawt*' ! -name 'libfontmanager.so' ! -name 'libjawt.so' ! -name 'libjsound.so' \
            ! -name 'libmlib_image.so' ! -name 'libsplashscreen.so' ! -name 'liblcms.so' ! -name 'libjavajpeg.so' \
            -exec ldd {} \; ; } \
        | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u)
for lib in $libs; do
  case "$lib" in "$runtime"/*) continue ;; esac
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# The loader is also found through its canonical multiarch path.
loader=$(printf '%s\n' $libs | grep ld-linux | head -1)
mkdir -p "$root/lib/x86_64-linux-gnu"
[ -e "$root/lib/x86_64-linux-gnu/$(basename "$loader")" ] || cp -L "$loader" "$root/lib/x86_64-linux-gnu/"

mkdir -p "$root/etc" "$root/tmp" "$root/app"
cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
chat:x:10001:10001:chat platform:/tmp:/sbin/nologin
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
chat:x:10001:
GROUP
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
chmod 1777 "$root/tmp"

# Reproducible layer: fixed owner and timestamps, sorted entries.
mkdir -p "$work/image"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='1970-01-01 00:00:01Z' \
  -C "$root" -cf "$work/image/layer.tar" .
diff_id=sha256:$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
cat > "$work/image/config.json" <<CONFIG
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "JAVA_HOME=/opt/java/openjdk","LANG=C.UTF-8"],
           "User":"10001:10001","WorkingDir":"/app"},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"docker/base-image/build-base-image.sh"}]}
CONFIG
echo '[{"Config":"config.json","RepoTags":["chat-platform/base:17"],"Layers":["layer.tar"]}]' > "$work/image/manifest.json"
mkdir -p "$(dirname "$out")"
tar --owner=0 --group=0 --numeric-owner -C "$work/image" -cf "$out" manifest.json config.json layer.tar
echo "base image: $out ($(du -h "$out" | cut -f1), $diff_id)"
