"""Benchmarks and scale-data scenarios; each module runs with `python -m bench.<name>`."""
