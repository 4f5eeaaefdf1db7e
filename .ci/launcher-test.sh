#!/usr/bin/env bash
# Checks ./neurite, the launcher: with JDK 17 first on PATH and no JAVA_HOME it finds JDK 25 in the
# usual folders and runs the bench jar (built already by the README's test command, so nothing is
# built here); with no JDK 25 anywhere it says what to install and exits 2; JAVA_OPTS and
# NEURITE_OPTS reach the JVM; the JVM reads the compiler directives (a file it cannot parse is only
# reported, and the run goes on without them), telling stderr, not stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "launcher-test: FAIL: $*" >&2; exit 1; }
[ -x neurite ] || fail "./neurite is missing or not executable"
base=(env -i "HOME=$HOME" "PATH=/usr/bin:/bin" "POCL_CACHE_DIR=${POCL_CACHE_DIR:-$PWD/target/pocl-cache}" NEURITE_BUILD=never)

# 1. java on PATH is whatever the machine's default is (17 here), JAVA_HOME unset.
out=$("${base[@]}" ./neurite devices 2>&1) || fail "./neurite devices exited $?: $out"
grep -Eq '^ *cpu +cpu:0 ' <<<"$out" || fail "./neurite devices did not list cpu:0: $out"

# 2. No JDK 25 anywhere: JAVA_HOME wrong, PATH's java old or absent, the folders masked.
set +e
out=$("${base[@]}" JAVA_HOME=/nonexistent NEURITE_JDK_SEARCH='/nonexistent/*' ./neurite devices 2>&1)
rc=$?
set -e
[ "$rc" = 2 ] || fail "without JDK 25 the exit status was $rc, not 2: $out"
grep -q 'needs JDK 25 or newer' <<<"$out" || fail "without JDK 25 no clear message: $out"
grep -q 'adoptium.net' <<<"$out" || fail "without JDK 25 the message does not say what to install: $out"

# 3. Extra JVM flags pass through.
out=$("${base[@]}" JAVA_OPTS=-Dneurite.launcherTest=a NEURITE_OPTS='-Dneurite.launcherTest2=b -XshowSettings:properties' \
  ./neurite devices 2>&1) || fail "./neurite with JAVA_OPTS exited $?: $out"
grep -q 'neurite.launcherTest = a' <<<"$out" || fail "JAVA_OPTS did not reach the JVM"
grep -q 'neurite.launcherTest2 = b' <<<"$out" || fail "NEURITE_OPTS did not reach the JVM"

# 4. The compiler directives: read, C2 excluded for the Vector API's fallbacks, said on stderr only.
out=$("${base[@]}" NEURITE_OPTS='-XX:+UnlockDiagnosticVMOptions -XX:+CompilerDirectivesPrint' ./neurite devices 2>&1 >/dev/null) || fail "./neurite devices exited $?: $out"
grep -q '^1 compiler directives added' <<<"$out" || fail "the JVM did not read bench/src/main/jvm/compiler-directives.json: $out"
grep -q 'jdk/internal/vm/vector/VectorSupport\.\*' <<<"$out" || fail "the directives do not match VectorSupport: $out"
grep -q 'Exclude:true' <<<"$out" || fail "the directives exclude nothing from C2: $out"
stdout=$("${base[@]}" ./neurite devices 2>/dev/null)
if grep -q 'directives' <<<"$stdout"; then fail "the directives' message reached stdout: $stdout"; fi
out=$("${base[@]}" NEURITE_DIRECTIVES=off ./neurite devices 2>&1)
if grep -q 'directives' <<<"$out"; then fail "NEURITE_DIRECTIVES=off still passed the directives: $out"; fi

echo "launcher-test: ok"
