"""Analysis of saved runs: summaries and plots."""
