#!/usr/bin/env bash
# Unpacks Debian's newest OpenJDK 25 into a folder of its own, with the C library it was built
# against, so that kmod4j can be tried on a newer JDK 25 update than the machine's Temurin.
# Nothing is installed system-wide; the build keeps using the machine's JDK unless told otherwise.
#
#   scripts/fetch-debian-jdk25.sh DIR [SUITE]      (SUITE defaults to trixie)
#   JAVA_HOME=$(scripts/fetch-debian-jdk25.sh /tmp/jdk25-debian) ./build test
#
# Why: the known Completion stall (docs/reliability.md) needs a JDK 25 newer than 25.0.3 to tell a
# JDK fault from ours, and this machine kind's registries serve no JDK but Debian's. Debian 13's
# JDK needs glibc 2.38 or later and this machine has bookworm's 2.36, so the script also unpacks
# that suite's libc6, libstdc++6, libgcc-s1 and zlib1g beside it and points the JDK's programs at
# them (patchelf: interpreter and run path). Every JDK program then runs on the unpacked C library,
# JMH's forks too, since they start java.home/bin/java. Decision 0012's last addendum says what it
# was used for.
#
# Prints the new JAVA_HOME on stdout; progress goes to stderr. Needs curl, xz, dpkg-deb and
# patchelf (`apt-get install patchelf`). Exit status: 0 on success, 1 on a failed step, 2 on bad
# arguments.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 DIR [SUITE]   (unpacks Debian SUITE's openjdk-25 into DIR; SUITE defaults to trixie)" >&2
  exit 2
fi
dir=$1 suite=${2:-trixie}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
for tool in curl xz dpkg-deb patchelf; do
  command -v "$tool" > /dev/null || { echo "$0: $tool not found (apt-get install $tool)" >&2; exit 1; }
done

mkdir -p "$dir/debs" "$dir/root"
dir=$(cd "$dir" && pwd)
index="$dir/Packages-$suite"
echo "fetching the $suite package index from $mirror" >&2
curl -fsS "$mirror/dists/$suite/main/binary-amd64/Packages.xz" | xz -dc > "$index"

# Field $2 of package $1's stanza in the index.
field() {
  awk -v pkg="$1" -v key="$2:" '$0 == "Package: " pkg {p = 1} p && $1 == key {print $2; exit} /^$/ {p = 0}' "$index"
}

for pkg in openjdk-25-jdk-headless openjdk-25-jre-headless libc6 libstdc++6 libgcc-s1 zlib1g; do
  file=$(field "$pkg" Filename)
  [ -n "$file" ] || { echo "$0: $suite has no package $pkg" >&2; exit 1; }
  echo "  $pkg $(field "$pkg" Version)" >&2
  curl -fsS -o "$dir/debs/${file##*/}" "$mirror/$file"
  dpkg-deb -x "$dir/debs/${file##*/}" "$dir/root"
done

jdk="$dir/root/usr/lib/jvm/java-25-openjdk-amd64"
libs="$dir/root/usr/lib/x86_64-linux-gnu"
[ -x "$jdk/bin/java" ] || { echo "$0: no JDK at $jdk after unpacking" >&2; exit 1; }

# Debian keeps the JDK's conf files under /etc and links them in; link them to the unpacked copies.
# cacerts comes from another package (ca-certificates-java): TLS is not needed here, so it stays out.
find "$jdk" -type l -lname '/*' | while read -r link; do
  target=$(readlink "$link")
  if [ -e "$dir/root$target" ]; then
    ln -sfn "$dir/root$target" "$link"
  fi
done

# jspawnhelper is how ProcessBuilder starts a process (JMH's forks among them): it needs it too.
for program in "$jdk"/bin/* "$jdk"/lib/jspawnhelper; do
  patchelf --set-interpreter "$libs/ld-linux-x86-64.so.2" --set-rpath "$libs:\$ORIGIN/../lib" "$program"
done
for library in "$jdk"/lib/*.so "$jdk"/lib/server/*.so; do
  patchelf --add-rpath "$libs" "$library"
done

"$jdk/bin/java" -version >&2
echo "$jdk"
