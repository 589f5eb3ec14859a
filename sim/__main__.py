"""`python -m sim`: see `sim.cli`.

The import stays under the guard: worker processes started by `spawn` re-import this
module, and must not pay for Hydra.
"""

if __name__ == "__main__":
    from sim.cli import main
    from sim.command import run_command

    run_command(main)
