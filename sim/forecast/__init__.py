"""Forecasts that are scored: dated binary questions, their resolution on replication
traces, proper scores against baselines, and forecasts made as of a date (backtests)."""
