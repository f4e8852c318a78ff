"""Benchmarks: load scripts that report numbers (never run by the test suite)."""
