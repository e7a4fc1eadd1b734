"""The best-effort process of the cross-process benchmark: eager ResNet-152 bs32 fp16 in a closed
loop on its own stream until STOP_FILE exists; writes READY_FILE once warm, then a JSON summary.

  python3 be_worker.py --ready R --stop S --out be.json
"""
import argparse
import hashlib
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "inprocess"))
from models import best_effort, output_digest  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--stop", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--model", default="resnet152")
    a = ap.parse_args()
    model, x = best_effort(a.model)
    stream = torch.cuda.Stream()
    done, mismatches, hashes = [], 0, {}
    with torch.inference_mode(), torch.cuda.stream(stream):
        for _ in range(5):   # warm-up (cuDNN/cuBLAS may settle on other kernels at first)
            model(x)
        ref = model(x).clone()
        stream.synchronize()
        digest = hashlib.sha256(ref.detach().cpu().contiguous().view(torch.uint8).numpy().tobytes()).hexdigest()
        with open(a.ready, "w") as f:
            f.write(str(os.getpid()))
        deadline = time.time() + 600
        while not os.path.exists(a.stop) and time.time() < deadline:
            y = model(x)
            if os.environ.get("BE_CHECK", "1") == "0":   # a diagnosis: no per-iteration check or copy
                stream.synchronize()
                done.append(time.monotonic_ns())
                continue
            same = torch.equal(y, ref)
            done.append(time.monotonic_ns())
            mismatches += 0 if same else 1
            h = output_digest(y)
            hashes[h] = hashes.get(h, 0) + 1   # every output, to compare with the rows without Reef
    with open(a.out, "w") as f:
        json.dump({"model": a.model, "completions_ns": done, "mismatches": mismatches, "output_sha256": digest,
                   "output_hashes": hashes,
                   "reef": {k: v for k, v in os.environ.items() if k.startswith("REEF_")}}, f)


if __name__ == "__main__":
    main()
