"""Calf Check benchmarks (issue 5): scripts, not tests. Run them all with `make bench`."""
