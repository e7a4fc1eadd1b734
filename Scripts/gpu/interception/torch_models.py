"""Torch pieces shared by the GPU workloads: the ResNet-50 under test, the extra ops of check (b)
and output hashing.

Weights and inputs are seeded and made on the CPU, then copied, so runs with and without Reef
compute on identical data and the only device work is the ops themselves plus plain copies.
"""
import hashlib

import torch
import torch.nn.functional as F

GRAPH_REPLAYS = 5


def sha256_tensor(t):
    flat = t.detach().to("cpu").contiguous().reshape(-1)
    raw = flat.view(torch.uint8)
    try:
        data = raw.numpy().tobytes()
    except Exception:  # torch built without numpy
        data = bytes(raw.tolist())
    return hashlib.sha256(data).hexdigest()


def describe(t):
    return {"sha256": sha256_tensor(t), "shape": list(t.shape), "dtype": str(t.dtype)}


def cpu_randn(shape, seed, dtype):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen).to(dtype).cuda()


def build_resnet50():
    import torchvision
    torch.backends.cudnn.benchmark = False  # heuristics pick algorithms: same choice every run
    torch.manual_seed(0)
    model = torchvision.models.resnet50(weights=None).eval().half().cuda()
    return model, cpu_randn((1, 3, 224, 224), 1, torch.float16)


def infer(model, x):
    """One inference as the checks define it: forward pass, then wait for the GPU."""
    with torch.inference_mode():
        y = model(x)
    torch.cuda.synchronize()
    return y


def pointwise(x, y):
    return torch.sin(x) * y + 0.5 * torch.cos(y)


def make_gemm():
    a = cpu_randn((1024, 1024), 11, torch.float16)
    b = cpu_randn((1024, 1024), 12, torch.float16)
    return lambda: torch.matmul(a, b)


def make_conv():
    x = cpu_randn((8, 64, 56, 56), 13, torch.float16)
    w = cpu_randn((128, 64, 3, 3), 14, torch.float16)
    return lambda: F.conv2d(x, w, padding=1)


def make_compiled():
    fn = torch.compile(pointwise, fullgraph=True, dynamic=False)
    x = cpu_randn((1 << 16,), 15, torch.float32)
    y = cpu_randn((1 << 16,), 16, torch.float32)
    return lambda: fn(x, y)


def make_graph(replays=GRAPH_REPLAYS):
    """A captured small MLP; returns (run all replays -> stacked outputs, replay once)."""
    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Linear(256, 512), torch.nn.ReLU(),
                                torch.nn.Linear(512, 64)).eval().half().cuda()
    inputs = [cpu_randn((32, 256), 100 + i, torch.float16) for i in range(replays)]
    static_in = inputs[0].clone()
    graph = torch.cuda.CUDAGraph()
    with torch.no_grad():
        side = torch.cuda.Stream()  # warm-up off the capture stream, as torch's docs require
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                model(static_in)
        torch.cuda.current_stream().wait_stream(side)
        with torch.cuda.graph(graph):
            static_out = model(static_in)

    def run_all():
        outs = []
        for inp in inputs:
            static_in.copy_(inp)
            graph.replay()
            outs.append(static_out.clone())
        return torch.stack(outs)

    return run_all, graph.replay
