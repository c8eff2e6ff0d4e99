"""Benchmarks with published budgets: `bench/run` measures, prints a table, writes JSON.

Not tests: nothing here asserts. Every figure is compared with a budget, most of them as a
ratio against a ceiling measured in the same run, because this machine is noisy.
"""
