"""`python -m sim.explore`: see `sim.explore.cli`.

The import stays under the guard: worker processes started by `spawn` re-import this
module.
"""

if __name__ == "__main__":
    from sim.command import run_command
    from sim.explore.cli import main

    run_command(main)
