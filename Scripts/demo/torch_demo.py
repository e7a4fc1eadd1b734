"""Reef demo on a real GPU: a small PyTorch inference loop (a convolution net, a GEMM and a
CUDA-graph replay), run under LD_PRELOAD=libreef.so by Scripts/demo.sh."""
import hashlib
import time

import torch

torch.manual_seed(0)
torch.backends.cudnn.benchmark = False
dev = "cuda"
model = torch.nn.Sequential(
    torch.nn.Conv2d(3, 32, 3, padding=1), torch.nn.ReLU(),
    torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(),
    torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(64, 10),
).to(dev).half().eval()
x = torch.randn(8, 3, 64, 64, device=dev, dtype=torch.half)

with torch.no_grad():
    for _ in range(3):
        model(x)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(50):
        y = model(x)
    torch.cuda.synchronize()
    eager_ms = (time.perf_counter() - t0) / 50 * 1e3

    static_x = x.clone()
    graph = torch.cuda.CUDAGraph()
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        model(static_x)
    torch.cuda.current_stream().wait_stream(s)
    with torch.cuda.graph(graph):
        static_y = model(static_x)
    for _ in range(10):
        graph.replay()
    torch.cuda.synchronize()

digest = hashlib.sha256(y.float().cpu().numpy().tobytes() + static_y.float().cpu().numpy().tobytes()).hexdigest()[:16]
print(f"eager inference {eager_ms:.3f} ms/iter, output sha256 {digest}")
