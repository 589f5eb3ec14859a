"""`python -m sim.calibrate`: see `sim.calibrate.cli`."""

import sys

from sim.calibrate.cli import main

sys.exit(main())
