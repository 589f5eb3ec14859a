"""`python -m sim.calibrate`: see `sim.calibrate.cli`."""

from sim.calibrate.cli import main
from sim.command import run_command

run_command(main)
