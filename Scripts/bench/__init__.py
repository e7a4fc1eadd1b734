"""Reef's DISB-style benchmark suite: workloads A-E + trace, every sharing system, one report.

The orchestrator (main, plan, orchestrator, metrics, report) is plain Python so it runs and is
tested without a GPU; only the worker's torch backend touches CUDA.
"""
