"""Calibration of a scenario's free parameters to the dated record by ABC-SMC (pyabc),
and its check on synthetic data (simulation-based calibration)."""
