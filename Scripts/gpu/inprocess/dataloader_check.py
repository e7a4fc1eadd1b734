"""Issue 3's fork check: a PyTorch program whose DataLoader uses forked worker processes runs
under Reef with scheduling on, and computes what it computes without Reef. The workers only make
CPU tensors (CUDA in a forked child is unsupported by CUDA itself); the parent runs ResNet-18 on
the GPU on a best-effort stream. Prints one JSON line: {"ok", "batches", "sha256", "seconds"}.

  python3 dataloader_check.py [--out result.json]
"""
import argparse
import hashlib
import json
import time

import torch
import torchvision


class Seeded(torch.utils.data.Dataset):
    def __len__(self):
        return 64

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        return torch.randn(3, 64, 64, generator=g)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out")
    a = ap.parse_args()
    t0 = time.time()
    torch.backends.cudnn.deterministic = True
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval().half().cuda()
    loader = torch.utils.data.DataLoader(Seeded(), batch_size=8, num_workers=2,
                                         multiprocessing_context="fork", shuffle=False)
    h = hashlib.sha256()
    batches = 0
    stream = torch.cuda.Stream()
    with torch.inference_mode(), torch.cuda.stream(stream):
        for x in loader:
            y = model(x.half().cuda(non_blocking=False))
            h.update(y.float().cpu().numpy().tobytes())
            batches += 1
    result = {"ok": batches == 8, "batches": batches, "sha256": h.hexdigest(), "seconds": round(time.time() - t0, 2)}
    print(json.dumps(result))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(result, f)


if __name__ == "__main__":
    main()
