"""Puts the check scripts on sys.path: they are plain scripts importing their siblings."""
import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
GPU = os.path.dirname(TESTS)
INTERCEPTION = os.path.join(GPU, "interception")
for path in (GPU, INTERCEPTION):
    if path not in sys.path:
        sys.path.insert(0, path)
