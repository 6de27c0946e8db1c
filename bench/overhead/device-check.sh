#!/usr/bin/env bash
# The overhead measurements that need a machine with many cores and a GPU, as one prepared call:
#   MODEL=<full-size model folder> OUT=<folder for the logs> bash bench/overhead/device-check.sh [cpu] [webgpu]
# CPU: does spinning (ORT's default, and the one lever where GroundLabel's session options differ
# from a bare session) matter on many cores? WebGPU: the levers an app has, each against a bare loop
# with GroundLabel's own options. About 6 minutes for a full-size model on 16 cores and an H200.
set -uo pipefail
: "${MODEL:?MODEL must name a model folder or .onnx file}"
OUT=${OUT:-.}
COUNT=${COUNT:-5}
REPEATS=${REPEATS:-3}
bench() { npm run bench -- --model "$MODEL" --count "$COUNT" --repeats "$REPEATS" "$@"; }
devices=("$@")
[ ${#devices[@]} -eq 0 ] && devices=(cpu webgpu)
for device in "${devices[@]}"; do
  case $device in
    cpu)
      bench --device cpu --variants groundlabel,groundlabel-spin,bare,bare-ort-defaults 2>&1 | tee "$OUT/bench-cpu.txt" ;;
    webgpu)
      bench --device webgpu --variants groundlabel,groundlabel-spin,groundlabel-main-thread,bare,bare-ort-defaults,bare-opt-basic,bare-opt-extended,bare-webgpu-int64,bare-webgpu-no-validation,bare-webgpu-nhwc,bare-outputs-on-gpu,bare-padded,bare-padded-graph-capture 2>&1 |
        tee "$OUT/bench-webgpu.txt" ;;
    *) echo "unknown device $device (cpu or webgpu)" >&2; exit 2 ;;
  esac
done
