"""Exploratory modelling: global sensitivity analysis and scenario discovery on studies."""
