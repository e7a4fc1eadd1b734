"""Fake but realistic inputs: what the GPU steps would leave behind on an H100."""
import copy
import json
import os

PER_INFERENCE = 161
BASE_LAUNCHES = 1234
HASHES = {"resnet": "a" * 64, "gemm": "b" * 64, "conv": "c" * 64, "compiled": "d" * 64, "graph": "e" * 64}
GEMM_KERNEL = "nvjet_hsh_128x128_64x4_1x2_h_bz_coopA_NTT"
CONV_KERNEL = "sm90_xmma_fprop_implicit_gemm_f16f16_f16f32_f32_nchwkcrs_nchw_tilesize128x128x64"
TRITON_KERNEL = "triton_poi_fused_add_cos_mul_sin_0"
ELEMENTWISE_MANGLED = ("_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_11FillFunctorIfEENS_6detail5ArrayIPcLi1EEEEEviT0_T1_")
ELEMENTWISE_DEMANGLED = ("void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, "
                         "at::detail::Array<char*, 1> >(int, at::native::FillFunctor<float>, at::detail::Array<char*, 1>)")


def stats(pid, launches, graph_launches=0, kernels=None, calls=None):
    kernels = kernels or {"kernel_x": launches}
    return {"pid": pid, "runtime": "cuda", "launches": launches, "graph_launches": graph_launches,
            "uncaptured_launches": launches,
            "calls": calls or {"cuLaunchKernel": launches - 10, "cuLaunchKernelEx": 10, "cuMemcpyHtoDAsync_v2": 320},
            "streams": [{"id": "0x0", "launches": launches}],
            "kernels": [{"name": k, "launches": v} for k, v in kernels.items()]}


def resnet_stats(pid, iters):
    launches = BASE_LAUNCHES + PER_INFERENCE * iters
    return stats(pid, launches, kernels={"_ZN5cudnn4convE": 53 * (iters + 10), "other": launches - 53 * (iters + 10)})


def extras_stats(pid, graph_launches=5):
    kernels = {GEMM_KERNEL: 2, CONV_KERNEL: 2, TRITON_KERNEL: 3, ELEMENTWISE_MANGLED: 4}
    return stats(pid, 11, graph_launches=graph_launches, kernels=kernels,
                 calls={"cuLaunchKernel": 11, "cuGraphLaunch": graph_launches})


def trace_summary(kernels):
    return {"counts": {"kernel": sum(kernels.values()), "gpu_memcpy": 0, "gpu_memset": 0}, "kernel_names": kernels}


def workload(pid, reef, resnet_iters=0, extras=False, profile=False, hashes=None):
    hashes = hashes or HASHES
    doc = {"pid": pid, "reef_loaded": reef, "errors": {}, "argv": []}
    if resnet_iters:
        doc["resnet"] = {"iters": resnet_iters, "warmup": 10, "sha256": hashes["resnet"], "shape": [1, 1000],
                         "dtype": "torch.float16", "times_ms": [4.5] * resnet_iters}
    if extras:
        doc["extras"] = {op: {"sha256": hashes[op], "shape": [1], "dtype": "torch.float16"}
                         for op in ("gemm", "conv", "compiled", "graph")}
        doc["extras"]["graph"]["replays"] = 5
    if profile:
        doc["profile"] = {
            "resnet_one": trace_summary({"k%d" % i: 1 for i in range(PER_INFERENCE)}),
            "resnet_ten": trace_summary({"k%d" % i: 10 for i in range(PER_INFERENCE)}),
            "gemm": trace_summary({GEMM_KERNEL: 1}),
            "conv": trace_summary({CONV_KERNEL: 1}),
            "compiled": trace_summary({TRITON_KERNEL: 1}),
            "graph": trace_summary({"elementwise": 3}),
        }
    return doc


def latency(reef_ms=4.50, plain_ms=4.48, rounds=10, iters=60):
    out = {"config": {"rounds": rounds, "iters_per_round": iters, "design": "fake"},
           "workers": {"reef": {"ready": True, "reef_loaded": True}, "plain": {"ready": True, "reef_loaded": False}},
           "rounds": [], "errors": [], "complete": True}
    for r in range(rounds):
        for cfg, ms in (("reef", reef_ms), ("plain", plain_ms)):
            out["rounds"].append({"round": r, "config": cfg, "times_ms": [ms + 0.001 * (i % 7) for i in range(iters)]})
    return out


def microbench(reef_rate=395000.0, plain_rate=400000.0, rounds=5):
    runs = []
    for r in range(rounds):
        for cfg, rate in (("plain", plain_rate), ("reef", reef_rate)):
            runs.append({"round": r, "config": cfg, "rc": 0, "launches": 1000000, "sync_every": 10000,
                         "launches_per_s": rate + r, "reef_loaded": cfg == "reef", "wall_s": 2.6})
    return {"config": {"launches": 1000000, "sync_every": 10000, "rounds": rounds}, "runs": runs, "errors": []}


CROSS_STDOUT = "priority_range least=0 greatest=-5\naffine_sum=1 expected=1 ok\ngraph_replays=4\nfailures=0\n"


def cross(stdout_reef=CROSS_STDOUT, rc_reef=0, graph_launches=4):
    return {"plain": {"pid": 10, "rc": 0, "stdout": CROSS_STDOUT, "stderr": ""},
            "reef": {"pid": 11, "rc": rc_reef, "stdout": stdout_reef, "stderr": "",
                     "stats": {"pid": 11, "runtime": "cuda", "launches": 3, "graph_launches": graph_launches,
                               "uncaptured_launches": 3, "calls": {"cuLaunchKernel": 3}, "streams": [],
                               "kernels": {"_Z6affinePKjPjijj": 1}}}}


def processes(fork_rc=0):
    fork_out = "gpu_before=499500.0 ok\nFORK_OK\n"
    return {"tests": [
        {"name": "multiprocessing fork children of a CUDA parent", "marker": "FORK_OK",
         "reef": {"rc": fork_rc, "stdout": fork_out if fork_rc == 0 else "", "stderr": ""},
         "plain": {"rc": 0, "stdout": fork_out, "stderr": ""}},
        {"name": "python3 -c without GPU use", "expected_stdout": "333332833333500000",
         "reef": {"rc": 0, "stdout": "333332833333500000\n"}, "plain": {"rc": 0, "stdout": "333332833333500000\n"}},
        {"name": "/bin/true", "expected_stdout": "", "reef": {"rc": 0, "stdout": ""}, "plain": {"rc": 0, "stdout": ""}},
    ]}


ENV = {"hostname": "gpu-host-1", "date_utc": "2025-11-25T19:04:00Z", "gpu_name": "NVIDIA H100 80GB HBM3",
       "driver_version": "580.65.06", "cuda_driver_api_version": "13.0", "torch": "2.11.0+cu130",
       "triton": "3.6.0", "commit": "0123456789abcdef0123456789abcdef01234567", "commit_source": "REEF_COMMIT"}

STEP_NAMES = ("env", "build_cuda", "workload_plain", "workload_reef_1", "workload_reef_11", "workload_reef_extras",
              "latency", "microbench", "cross_runtime", "processes")


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh)


def make_work_dir(root):
    """A work directory as run.sh leaves it after a fully passing run."""
    write(os.path.join(root, "env.json"), ENV)
    with open(os.path.join(root, "steps.jsonl"), "w", encoding="utf-8") as fh:
        for name in STEP_NAMES:
            fh.write(json.dumps({"name": name, "rc": 0, "seconds": 1.5, "limit_s": 90, "timed_out": False}) + "\n")
    write(os.path.join(root, "wl-plain.json"), workload(100, False, resnet_iters=1, extras=True, profile=True))
    write(os.path.join(root, "wl-reef-1.json"), workload(101, True, resnet_iters=1))
    write(os.path.join(root, "wl-reef-11.json"), workload(102, True, resnet_iters=11))
    write(os.path.join(root, "wl-reef-extras.json"), workload(103, True, extras=True))
    write(os.path.join(root, "stats", "reef_1", "reef-101.json"), resnet_stats(101, 1))
    write(os.path.join(root, "stats", "reef_1", "reef-99.json"), stats(99, 0))  # a preloaded helper process
    write(os.path.join(root, "stats", "reef_11", "reef-102.json"), resnet_stats(102, 11))
    write(os.path.join(root, "stats", "reef_extras", "reef-103.json"), extras_stats(103))
    write(os.path.join(root, "latency.json"), latency())
    write(os.path.join(root, "microbench.json"), microbench())
    write(os.path.join(root, "crossrt.json"), cross())
    write(os.path.join(root, "processes.json"), processes())


def deep(obj):
    return copy.deepcopy(obj)
