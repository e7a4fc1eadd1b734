#!/usr/bin/env bash
# Cost of Reef's launch path on the CPU: a loop of cuLaunchKernel through a driver that does
# nothing, with and without LD_PRELOAD=libreef.so, warm (back-to-back launches) and cold (caches
# and TLB evicted before each launch, as a real driver's microseconds of work do).
# Writes bench/results/launch-overhead-cpu.{json,md}.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=$root/build/microbench
mkdir -p "$out/lib" "$root/bench/results"
inc=$root/Sources/CInterpose/include
cc -O2 -fPIC -shared -Wl,-soname,libcuda.so.1 -I "$inc" "$root/Scripts/microbench/launch_overhead/null_cuda.c" -o "$out/lib/libcuda.so.1"
cc -O2 -I "$inc" "$root/Scripts/microbench/launch_overhead/launch_loop.c" -o "$out/launch_loop" -ldl
n=${N:-2000000}
cold_n=${COLD_N:-20000} cold_pages=${COLD_PAGES:-8192}
plain=() reef=() stats=() capture=() cold_plain=() cold_reef=() cold_stats=() cold_capture=()
sdir=$(mktemp -d)
for i in 1 2 3; do   # alternate so all see the same machine state
  plain+=("$(LD_LIBRARY_PATH=$out/lib "$out/launch_loop" "$n" 5)")
  reef+=("$(LD_LIBRARY_PATH=$out/lib LD_PRELOAD=$root/build/libreef.so "$out/launch_loop" "$n" 5)")
  stats+=("$(LD_LIBRARY_PATH=$out/lib LD_PRELOAD=$root/build/libreef.so REEF_STATS=$sdir/%p.json "$out/launch_loop" "$n" 5)")
  capture+=("$(LD_LIBRARY_PATH=$out/lib LD_PRELOAD=$root/build/libreef.so REEF_CAPTURE=all "$out/launch_loop" "$n" 5)")
  cold_plain+=("$(LD_LIBRARY_PATH=$out/lib "$out/launch_loop" "$cold_n" 3 cold "$cold_pages")")
  cold_reef+=("$(LD_LIBRARY_PATH=$out/lib LD_PRELOAD=$root/build/libreef.so "$out/launch_loop" "$cold_n" 3 cold "$cold_pages")")
  cold_stats+=("$(LD_LIBRARY_PATH=$out/lib LD_PRELOAD=$root/build/libreef.so REEF_STATS=$sdir/%p.json "$out/launch_loop" "$cold_n" 3 cold "$cold_pages")")
  cold_capture+=("$(LD_LIBRARY_PATH=$out/lib LD_PRELOAD=$root/build/libreef.so REEF_CAPTURE=all "$out/launch_loop" "$cold_n" 3 cold "$cold_pages")")
done
rm -rf "$sdir"
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
p=$(median "${plain[@]}"); r=$(median "${reef[@]}"); st=$(median "${stats[@]}"); c=$(median "${capture[@]}")
cp_=$(median "${cold_plain[@]}"); cr=$(median "${cold_reef[@]}"); cs=$(median "${cold_stats[@]}"); cc_=$(median "${cold_capture[@]}")
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
added=$(python3 -c "print(round($r - $p, 2))")
added_capture=$(python3 -c "print(round($c - $p, 2))")
added_stats=$(python3 -c "print(round($st - $p, 2))")
cold_added_stats=$(python3 -c "print(round($cs - $cp_, 2))")
cold_added=$(python3 -c "print(round($cr - $cp_, 2))")
cold_added_capture=$(python3 -c "print(round($cc_ - $cp_, 2))")
cat > "$root/bench/results/launch-overhead-cpu.json" <<JSON
{"benchmark": "launch-overhead-cpu", "command": "bash Scripts/microbench/launch_overhead/run.sh", "commit": "$commit",
 "cpu": "$cpu", "launches_per_round": $n, "rounds": 5, "repeats": 3,
 "ns_per_launch_without_reef": [$(IFS=,; echo "${plain[*]}")], "ns_per_launch_with_reef": [$(IFS=,; echo "${reef[*]}")],
 "ns_per_launch_with_reef_stats": [$(IFS=,; echo "${stats[*]}")],
 "ns_per_launch_with_reef_capture_all": [$(IFS=,; echo "${capture[*]}")],
 "median_without_ns": $p, "median_with_ns": $r, "median_with_stats_ns": $st, "median_with_capture_all_ns": $c,
 "added_ns_per_launch": $added, "added_ns_per_launch_stats": $added_stats, "added_ns_per_launch_capture_all": $added_capture,
 "cold": {"launches_per_round": $cold_n, "rounds": 3, "evicted_pages_per_launch": $cold_pages,
  "ns_per_launch_without_reef": [$(IFS=,; echo "${cold_plain[*]}")], "ns_per_launch_with_reef": [$(IFS=,; echo "${cold_reef[*]}")],
  "ns_per_launch_with_reef_stats": [$(IFS=,; echo "${cold_stats[*]}")],
  "ns_per_launch_with_reef_capture_all": [$(IFS=,; echo "${cold_capture[*]}")],
  "median_without_ns": $cp_, "median_with_ns": $cr, "median_with_stats_ns": $cs, "median_with_capture_all_ns": $cc_,
  "added_ns_per_launch": $cold_added, "added_ns_per_launch_stats": $cold_added_stats,
  "added_ns_per_launch_capture_all": $cold_added_capture}}
JSON
cat > "$root/bench/results/launch-overhead-cpu.md" <<MD
# Launch-path overhead on the CPU (null driver)

\`bash Scripts/microbench/launch_overhead/run.sh\` at commit \`$commit\` on: $cpu (no GPU).
\`cuLaunchKernel\` calls (4 parameters, 8 bytes each) obtained with \`dlsym\`, into a driver that
returns at once. Warm: a loop of $n back-to-back launches, best of 5 rounds. Cold: before each
launch one cache line in each of $cold_pages pages is read (the caches and the TLB no longer hold
Reef's code and tables, as after a real driver's microseconds of work); each launch is timed
alone (\`clock_gettime\` around it, so about 20 ns of timer cost are in every cold number), the
median of $cold_n launches, best of 3 rounds. Each figure is the median of 3 alternating repeats.

| | warm ns per launch | cold ns per launch |
|---|---|---|
| without Reef | $p | $cp_ |
| with Reef, default (no scheduling, no \`REEF_STATS\`: nothing reads counts, the wrapper forwards at once) | $r | $cr |
| with Reef, \`REEF_STATS\` set (count per api, stream and kernel; issue the call as it came) | $st | $cs |
| with Reef, \`REEF_CAPTURE=all\` (also capture a LaunchRecord and launch from it) | $c | $cc_ |
| added by Reef, default | $added | $cold_added |
| added by Reef, \`REEF_STATS\` | $added_stats | $cold_added_stats |
| added by Reef, capture all | $added_capture | $cold_added_capture |

The cold column is the one that predicts a GPU host: there the launch path runs between two
driver calls that evict it, and each dependent cache miss costs tens of nanoseconds.

A real launch on the H100 costs microseconds; see \`interception-h100.md\` for the measured ratio there.
MD
cat "$root/bench/results/launch-overhead-cpu.md"
