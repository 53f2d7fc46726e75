"""Helpers started before their work is known (cleaning/helper_pool.py): they load first, work once told, and
never outlive the process that started them, whether or not it ever gives them work."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cleaning.helper_pool import HelperPool, HelperSide
from tests.conftest import REPO

_MARKS = "HELPER_POOL_TEST_DIR"


def _preload() -> None:
    where = Path(os.environ[_MARKS])
    (where / f"preloaded-{os.getpid()}").write_text(str(time.monotonic()))


def _work(where: str, word: str, side: HelperSide) -> None:
    preloaded = (Path(where) / f"preloaded-{os.getpid()}").exists()
    (Path(where) / f"worked-{os.getpid()}").write_text(f"{word} {side.parent} {preloaded}")
    side.results.put(os.getpid())


def _wait_for(paths: Callable[[], list[Path]], count: int, timeout: float = 60) -> list[Path]:
    deadline = time.monotonic() + timeout
    while len(found := paths()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_helpers_load_before_they_have_work_and_run_it_once_given(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(_MARKS, str(tmp_path))  # spawned helpers inherit the environment
    pool = HelperPool(2, _preload)
    pool.start()
    try:
        assert len(_wait_for(lambda: list(tmp_path.glob("preloaded-*")), 2)) == 2, "helpers did not load first"
        assert list(tmp_path.glob("worked-*")) == []
        pool.assign(_work, str(tmp_path), "hello")
        pool.assign(_work, str(tmp_path), "again")  # ignored: one assignment per pool
        answers = {pool.sides[0].results.get(timeout=60) for _ in range(2)}
        assert answers == {p.pid for p in pool.procs}
        worked = sorted(p.read_text() for p in tmp_path.glob("worked-*"))
        assert worked == [f"hello {os.getpid()} True"] * 2
    finally:
        pool.stop()
    for p in pool.procs:
        p.join(timeout=10)
    assert not any(p.is_alive() for p in pool.procs)


def test_helpers_never_given_work_end_with_the_process_that_started_them(tmp_path: Path) -> None:
    """A crawl command that dies before its spider opens (killed, or a fault before the extension took them)
    leaves no helper waiting for ever."""
    script = ("import os, sys\n"
              "from cleaning.helper_pool import HelperPool\n"
              "pool = HelperPool(2)\n"
              "pool.start()\n"
              "print(' '.join(str(p.pid) for p in pool.procs), flush=True)\n"
              "os._exit(0)\n")  # no exit handlers: as a SIGKILL would end it
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2, out.stderr
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{pid}").exists() and _not_zombie(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() and _not_zombie(pid) for pid in pids), "a helper outlived its parent"


def _not_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_helpers_do_not_run_the_main_script_of_the_process_that_started_them(tmp_path: Path) -> None:
    """`scrapy crawl` runs from a console script that imports all of Scrapy and Twisted; multiprocessing would run
    it again in every spawned helper (as `__mp_main__`) before the helper's own work."""
    marks = tmp_path / "marks"
    marks.mkdir()
    main = tmp_path / "console_script.py"
    main.write_text(
        "import os, sys, time, functools\n"
        "from pathlib import Path\n"
        "MARKS = Path(os.environ['HELPER_POOL_TEST_DIR'])\n"
        "(MARKS / f'script-ran-in-{os.getpid()}').touch()  # what importing Scrapy stands for\n"
        "from cleaning.helper_pool import HelperPool\n"
        "if __name__ == '__main__':\n"
        "    pool = HelperPool(1, functools.partial(Path.touch, MARKS / 'helper-up'))\n"
        "    pool.start()\n"
        "    deadline = time.monotonic() + 60\n"
        "    while not (MARKS / 'helper-up').exists() and time.monotonic() < deadline:\n"
        "        time.sleep(0.05)\n"
        "    print(os.getpid(), pool.procs[0].pid, (MARKS / 'helper-up').exists(), flush=True)\n"
        "    pool.stop()\n"
        "    print(sys.modules['__main__'].__file__, flush=True)  # put back once the helpers started\n")
    env = {**os.environ, _MARKS: str(marks), "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, str(main)], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    lines = out.stdout.split("\n")
    parent, helper, up = lines[0].split()
    assert up == "True", out.stderr
    assert sorted(p.name for p in marks.glob("script-ran-in-*")) == [f"script-ran-in-{parent}"]
    assert lines[1] == str(main)
