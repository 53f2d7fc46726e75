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



def test_a_tuned_process_collects_its_young_objects_less_often_and_skips_what_it_loaded():
    """The crawl command and the cleaning helpers: what is loaded is frozen, the young generation is collected
    less often, garbage in cycles made afterwards is still collected, and a threshold a user raised or set to 0
    (collection off) is kept."""
    code = textwrap.dedent("""
        import gc
        from cleaning.cli import YOUNG_COLLECTION_THRESHOLD, tune_collector
        loaded = [object() for _ in range(10)]  # tracked containers alive before: frozen
        tune_collector()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == YOUNG_COLLECTION_THRESHOLD > 700, gc.get_threshold()
        assert gc.get_threshold()[1:] == (10, 10), gc.get_threshold()
        class Node:
            pass
        for _ in range(50_000):  # cycles made after: collected by the collector, not left to grow
            a, b = Node(), Node()
            a.b, b.a = b, a
        del a, b
        gc.collect()
        assert sum(isinstance(o, Node) for o in gc.get_objects()) == 0
        gc.set_threshold(50_000)
        tune_collector()
        assert gc.get_threshold()[0] == 50_000
        gc.set_threshold(0)
        tune_collector()
        assert gc.get_threshold()[0] == 0
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["ok"], out.stderr
