#!/bin/sh
# Stands in for nvidia-cuda-mps-control in the tests: '-d' creates the control pipe, 'quit' on stdin
# removes it; every call is logged. BENCH_MPS_FAIL_START=1 makes '-d' fail after creating the pipe.
log="$CUDA_MPS_LOG_DIRECTORY/standin.log"
if [ "$1" = "-d" ]; then
  echo start >> "$log"
  touch "$CUDA_MPS_PIPE_DIRECTORY/control"
  [ "${BENCH_MPS_FAIL_START:-}" = 1 ] && { echo "cannot start" >&2; exit 1; }
  exit 0
fi
read cmd
echo "$cmd" >> "$log"
[ "$cmd" = quit ] && rm -f "$CUDA_MPS_PIPE_DIRECTORY/control"
exit 0
