#!/usr/bin/env bash
# Source rules, checked by .ci/run (no build needed):
#  1. every main source (src/main/**/*.java, *.cl, *.cu, *.h in any module) is under 400 lines,
#     except those listed in .ci/long-files.txt; generated PTX (*.ptx) is not a source and not checked;
#  2. `duplicates` (a tool of this workplace, skipped where it is not installed) finds no copied
#     block of more than 10 lines that .ci/duplicates-baseline.txt does not already list.
# `bash .ci/checks.sh --update-duplicates` rewrites the baseline from today's tree (then review the
# diff: every new line is a copy someone chose to keep).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
max_lines=400
min_dup=11   # "more than 10 lines"

# The files git tracks plus the untracked ones it does not ignore (as a fresh checkout has them).
sources() { git ls-files --cached --others --exclude-standard -- "$@" | sort -u; }

# --- 1. file length -------------------------------------------------------------------------
allowed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' .ci/long-files.txt 2>/dev/null || true)
long=""
while IFS= read -r f; do
  [ -f "$f" ] || continue
  n=$(wc -l <"$f")
  if [ "$n" -ge "$max_lines" ] && ! grep -qxF "$f" <<<"$allowed"; then long+="  $f: $n lines"$'\n'; fi
done < <(sources '*/src/main/*.java' '*/src/main/*.cl' '*/src/main/*.cu' '*/src/main/*.h')
if [ -n "$long" ]; then
  echo "checks: main sources of $max_lines lines or more (split them, or list them with a reason in .ci/long-files.txt):"
  printf '%s' "$long"
  status=1
else
  echo "checks: every main source is under $max_lines lines"
fi

# --- 2. copied blocks -----------------------------------------------------------------------
# A row of `duplicates`: "D1 a.java:10-24 ~ b.java:40-54 [shape] [boilerplate] [(+N more runs)]".
# The baseline holds one line a pair: "LINES<TAB>A ~ B", LINES the longer side, A and B sorted.
# A pair is known when the baseline has the same two file names (the last path component, so a
# file moved to another package or module keeps its entry) with at least as many lines; line
# numbers do not count, so edits elsewhere in the files do not matter. Rows marked boilerplate
# (mostly punctuation, keywords or a shape common across a folder) are not counted.
baseline=.ci/duplicates-baseline.txt
pairs() {
  duplicates --min-lines "$min_dup" --most 200 --seconds 120 | awk '
    /^D[0-9]+ / {
      if ($0 ~ / boilerplate/) next
      split($2, a, ":"); split($4, b, ":")
      split(a[2], ra, "-"); split(b[2], rb, "-")
      n = ra[2] - ra[1] + 1; m = rb[2] - rb[1] + 1; if (m > n) n = m
      if (a[1] > b[1]) { t = a[1]; a[1] = b[1]; b[1] = t }
      print n "\t" a[1] " ~ " b[1]
      next
    }
    /^incomplete:|^\(\+[0-9]+ more pairs\)/ { print "warning: duplicates said: " $0 > "/dev/stderr" }' |
    sort -t$'\t' -k2,2 -k1,1nr | sort -t$'\t' -k2,2 -u
}
if ! command -v duplicates >/dev/null 2>&1; then
  echo "checks: the duplicates tool is not installed here; copied blocks not checked"
elif [ "${1:-}" = --update-duplicates ]; then
  { echo "# Copied blocks of more than 10 lines that are known and kept (.ci/checks.sh writes this with"
    echo "# --update-duplicates): LINES<TAB>FILE ~ FILE. A new copy fails CI unless it is listed here."
    pairs; } >"$baseline"
  echo "checks: wrote $baseline ($(grep -vc '^#' "$baseline") pairs)"
else
  new=$(pairs | awk -F'\t' -v base="$baseline" '
    function key(p,   s, x, y) { split(p, s, " ~ "); x = s[1]; y = s[2]; sub(/.*\//, "", x); sub(/.*\//, "", y)
      return x < y ? x " ~ " y : y " ~ " x }
    BEGIN { while ((getline line < base) > 0) { if (line ~ /^#/ || line == "") continue
      split(line, f, "\t"); k = key(f[2]); if (!(k in known) || f[1] + 0 > known[k]) known[k] = f[1] + 0 } }
    { k = key($2); if (!(k in known)) print "  " $2 ": " $1 " lines, a new copy"
      else if ($1 + 0 > known[k]) print "  " $2 ": " $1 " lines, the copy grew (was " known[k] ")" }')
  if [ -n "$new" ]; then
    echo "checks: duplicates finds copied blocks of more than 10 lines that $baseline does not list"
    echo "  (run \`duplicates --min-lines $min_dup\` to see them; share the code, or if the copy is right,"
    echo "  bash .ci/checks.sh --update-duplicates and commit the baseline):"
    printf '%s\n' "$new"
    status=1
  else
    echo "checks: no copied block of more than 10 lines beyond $baseline"
  fi
fi
exit "$status"
