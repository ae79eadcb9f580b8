#!/usr/bin/env bash
# The README's option table is exactly what `owsip --schema` prints, and the README gives the
# two commands a newcomer needs.
source "$(dirname "$0")/lib.sh"

"$BIN/owsip" --schema >"$WORK/schema.md"
sed -n '/<!-- options:begin -->/,/<!-- options:end -->/p' "$SRC/README.md" | sed '1d;$d' >"$WORK/readme.md"
diff -u "$WORK/schema.md" "$WORK/readme.md" ||
  fail "README option table differs from 'owsip --schema' (regenerate it)"
pass "README option table matches the schema ($(wc -l <"$WORK/schema.md") lines)"

grep -q '^\./run demo' "$SRC/README.md" || fail "README lacks ./run demo"
grep -q '^\./run test' "$SRC/README.md" || fail "README lacks ./run test"
grep -q '^\./run test$' "$SRC/.ci/run" || fail ".ci/run does not call ./run test"
pass "README commands and .ci/run"
