#!/usr/bin/env bash
# owsip against the libre versions OpenWrt ships (docs/LIBRE.md).
#
#   cross/libre.sh debian BUILD_DIR
#       libre 2.0.1 (OpenWrt 22.03-24.10) from Debian trixie's source package: the upstream
#       tarball libre_2.0.1.orig.tar.gz, fetched with apt (hash checked) through a private
#       deb-src list, built with its Makefile (USE_OPENSSL=1) into BUILD_DIR/prefix once (a
#       second run finds BUILD_DIR/.stamp-libre); then owsip's programs in BUILD_DIR/owsip and
#       the SIP, call and sim integration tests (tests/integration/sip_*, call_*, sim_*);
#       with OWSIP_PHASE=build, everything but the tests.
#   cross/libre.sh tree SRC_DIR BUILD_DIR
#       a libre source tree given by hand (a git checkout of baresip/re, e.g. v3.16.0): built
#       with its CMake (3.x) or its Makefile (1.x/2.x) into BUILD_DIR/prefix, then owsip and its
#       unit tests (./run compat DIR).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JOBS=${OWSIP_JOBS:-2}
DEBIAN_SUITE=trixie
DEBIAN_VERSION=2.0.1

log() { printf '==> libre: %s\n' "$*" >&2; }

# The URI of the Debian archive the machine's apt uses (deb822 .sources or sources.list),
# not its security archive.
debian_archive() {
  local uri
  uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n' |
        grep -v -- '-security' | head -1)
  [ -n "$uri" ] || uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' /etc/apt/sources.list \
                          2>/dev/null | grep -v -- '-security' | head -1)
  [ -n "$uri" ] && echo "$uri"
}

# The upstream tarball of libre from Debian $DEBIAN_SUITE's source package, into $1. Only the
# .orig tarball is needed (the mirror has been seen to 404 on the .dsc of one revision).
debian_tarball() {
  local dir=$1 apt=$1/apt
  mkdir -p "$apt/lists/partial"
  # The machine's own Debian archive (the first URI of its apt sources), suite $DEBIAN_SUITE.
  local archive
  archive=$(debian_archive) || { echo "libre: no Debian archive in the apt sources" >&2; return 1; }
  echo "deb-src $archive $DEBIAN_SUITE main" >"$apt/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=/dev/null
              -o "Dir::State::Lists=$apt/lists" -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" -qq update
  local uri file _size hash
  while read -r uri file _size hash; do
    [[ $file == *.orig.tar.* ]] || continue
    uri=${uri//\'/}
    /usr/lib/apt/apt-helper download-file "$uri" "$dir/$file" "$hash" >/dev/null
    echo "$dir/$file"
    return 0
  done < <(apt-get "${opts[@]}" source --print-uris -qq "libre=$DEBIAN_VERSION-*" 2>/dev/null ||
           apt-get "${opts[@]}" source --print-uris -qq libre)
  echo "libre: no libre_$DEBIAN_VERSION.orig tarball in Debian $DEBIAN_SUITE" >&2
  return 1
}

# Builds and installs the libre tree $1 into $2.
build_tree() {
  local src=$1 prefix=$2 logf=$2.log
  mkdir -p "$prefix"
  if [ -f "$src/CMakeLists.txt" ]; then
    log "building $src with CMake (USE_OPENSSL, shared) into $prefix"
    { cmake -S "$src" -B "$prefix.build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DUSE_OPENSSL=ON \
        -DLIBRE_BUILD_STATIC=OFF &&
      nice cmake --build "$prefix.build" -j"$JOBS" && cmake --install "$prefix.build"; } \
      >"$logf" 2>&1 || { tail -30 "$logf" >&2; return 1; }
  else
    log "building $src with its Makefile (USE_OPENSSL=1) into $prefix"
    { nice make -C "$src" -j"$JOBS" USE_OPENSSL=1 PREFIX="$prefix" &&
      make -C "$src" install USE_OPENSSL=1 PREFIX="$prefix"; } \
      >"$logf" 2>&1 || { tail -30 "$logf" >&2; return 1; }
  fi
  log "libre $(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --modversion libre) in $prefix"
}

# Configures and builds owsip against the libre in prefix $1, in build dir $2: -O1 without debug
# information, which compiles in about half the time of the main build's -O2 -g.
build_owsip() {  # PREFIX BUILD_DIR TARGET...
  local prefix=$1 b=$2; shift 2
  if [ ! -f "$b/build.ninja" ]; then
    PKG_CONFIG_PATH=$prefix/lib/pkgconfig cmake -S "$ROOT" -B "$b" -G Ninja \
      -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 -DOWSIP_WERROR=ON -DOWSIP_PROMPTS=OFF >"$b.cmake.log" 2>&1 ||
      { tail -20 "$b.cmake.log" >&2; return 1; }
  fi
  grep -q "^LIBRE_PREFIX:INTERNAL=$prefix$" "$b/CMakeCache.txt" ||
    { echo "libre: $b is configured against another libre" >&2; return 1; }
  nice cmake --build "$b" -j"$JOBS" --target "$@"
}

cmd_debian() {
  local b; b=$(realpath -m "${1:?usage: cross/libre.sh debian BUILD_DIR}")
  local t0=$SECONDS
  mkdir -p "$b"
  if [ ! -f "$b/.stamp-libre" ]; then
    local tarball; tarball=$(debian_tarball "$b")
    rm -rf "$b/src" && mkdir -p "$b/src" && tar -xf "$tarball" -C "$b/src"
    local src; src=$(find "$b/src" -mindepth 1 -maxdepth 1 -type d | head -1)
    build_tree "$src" "$b/prefix"
    touch "$b/.stamp-libre"
  fi
  # The programs only: the unit tests are libre-independent logic but for the adapters, whose
  # every call the integration tests below make (and ./run compat runs them all).
  build_owsip "$b/prefix" "$b/owsip" owsip owsip-phone owsipctl
  [ "${OWSIP_PHASE:-all}" = build ] && return 0  # ./run test builds first, at idle priority
  log "SIP, call and sim integration tests against libre $DEBIAN_VERSION"
  # The integration tests wait more than they compute: twice as many as there are build jobs.
  ctest --test-dir "$b/owsip" -R '^it\.(sip|call|sim)_' -j"$((JOBS * 2))" --timeout 300 --output-on-failure
  log "libre $DEBIAN_VERSION: passed in $((SECONDS - t0)) s"
}

cmd_tree() {
  local src; src=$(realpath "${1:?usage: cross/libre.sh tree SRC_DIR BUILD_DIR}")
  local b; b=$(realpath -m "${2:?usage: cross/libre.sh tree SRC_DIR BUILD_DIR}")
  [ -f "$src/include/re.h" ] || { echo "libre: $src is not a libre source tree" >&2; return 1; }
  rm -rf "$b" && mkdir -p "$b"
  build_tree "$src" "$b/prefix"
  build_owsip "$b/prefix" "$b/owsip" owsip owsip-phone owsipctl owsip_unit_tests
  log "unit tests against $src"
  ctest --test-dir "$b/owsip" -L unit -j"$JOBS" --timeout 300 --output-on-failure
}

case "${1:-}" in
  debian) shift; cmd_debian "$@" ;;
  tree) shift; cmd_tree "$@" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
