"""Diagnosis: the hash of check (c)'s CUDA-graph outputs, in a process that does nothing else.
Run with and without Reef (and twice without) to tell a Reef effect from run-to-run variation."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interception"))
import torch_models as tm  # noqa: E402


def main():
    run_all, _ = tm.make_graph()
    print(json.dumps({"graph": [tm.sha256_tensor(run_all()) for _ in range(2)]}))


if __name__ == "__main__":
    sys.exit(main())
