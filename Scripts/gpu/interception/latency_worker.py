#!/usr/bin/env python3
"""Long-lived ResNet-50 latency worker for check (d).

Builds and warms up the model once, then runs rounds on command. Commands arrive on --cmd-fd and
replies (one JSON object a line) leave on --reply-fd, so nothing torch or Reef prints on
stdout/stderr can corrupt the protocol:
  "run N"  -> {"times_ms": [N wall times of model(x) + torch.cuda.synchronize()]}
  "quit" or end of input -> exit
"""
import argparse
import gc
import json
import os
import sys
import time
import traceback

import common


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cmd-fd", type=int, required=True)
    p.add_argument("--reply-fd", type=int, required=True)
    p.add_argument("--warmup", type=int, default=30)
    args = p.parse_args(argv)
    commands = os.fdopen(args.cmd_fd, "r", encoding="utf-8")
    replies = os.fdopen(args.reply_fd, "w", encoding="utf-8", buffering=1)

    def send(obj):
        replies.write(json.dumps(obj) + "\n")
        replies.flush()

    try:
        import torch
        import torch_models as tm
        model, x = tm.build_resnet50()
        for _ in range(args.warmup):
            tm.infer(model, x)
    except Exception:
        send({"ready": False, "error": traceback.format_exc(limit=6)[-2000:]})
        return 1
    gc.collect()
    gc.freeze()
    gc.disable()
    send({"ready": True, "pid": os.getpid(), "reef_loaded": common.reef_loaded(),
          "device": torch.cuda.get_device_name(0), "warmup": args.warmup})
    for line in commands:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "quit":
            break
        if parts[0] == "run":
            # The collector stays off for the whole timed phase (set up once below), so no
            # round pays for a collection and rounds of one inference stay cheap.
            times = []
            for _ in range(int(parts[1])):
                t0 = time.perf_counter()
                tm.infer(model, x)
                times.append(round((time.perf_counter() - t0) * 1e3, 4))
            send({"times_ms": times})
    return 0


if __name__ == "__main__":
    sys.exit(main())
