# repeat_rows.sh — sourced by the GPU benchmarks' run.sh (in-process, cross-process).
# repeat_rows N "row names": appends to the caller's ROWS array (specs "name|fields...") copies
# of each named row, named <row>~2 ... <row>~N, in interleaved rounds (all rows' copy 2, then
# copy 3, ...); the reports pool a row's copies. N <= 1 adds nothing.
repeat_rows() {
  local n=$1 names=$2 k base spec
  [[ $n -gt 1 ]] || return 0
  for ((k = 2; k <= n; k++)); do
    for base in $names; do
      for spec in "${ROWS[@]}"; do
        [[ ${spec%%|*} == "$base" ]] && ROWS+=("$base~$k|${spec#*|}")
      done
    done
  done
  return 0
}
