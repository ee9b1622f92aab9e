"""Benchmarks: scripts run by hand (see benchmarks/README.md); a package so that tests can import the generator."""
