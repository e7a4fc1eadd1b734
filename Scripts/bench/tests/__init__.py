"""Unit tests of the benchmark harness: stdlib only, no GPU, no torch/numpy/matplotlib needed."""
