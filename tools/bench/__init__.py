"""Benchmark helpers (PyTorch baselines for bench/*.bench.ts)."""
