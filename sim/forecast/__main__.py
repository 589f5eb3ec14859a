"""`python -m sim.forecast`: see `sim.forecast.cli`."""

from sim.command import run_command
from sim.forecast.cli import main

run_command(main)
