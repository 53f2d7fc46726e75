"""What every command line shares (cleaning/cli.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_command_ends_without_the_final_collection_and_its_exit_handlers_still_run() -> None:
    """The objects a run leaves are frozen at exit (the interpreter's last collection skips them); the
    handlers registered before, as logging's, still run after."""
    code = textwrap.dedent("""
        import atexit, gc
        atexit.register(lambda: print("frozen" if gc.get_freeze_count() else "not frozen", flush=True))
        from cleaning.cli import skip_final_collection
        skip_final_collection()
        skip_final_collection()  # once is enough, however often a process asks
        class Flushes:  # garbage in a cycle whose finalizer writes: it must still run
            def __del__(self):
                print("finalized", flush=True)
        cycle = Flushes()
        cycle.me = cycle
        del cycle
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["finalized", "frozen"]

