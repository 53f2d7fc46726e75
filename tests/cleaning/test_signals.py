import os
import signal

import pytest

from cleaning.signals import HeldSignals


def test_a_signal_during_the_held_block_acts_only_when_delivered() -> None:
    held = HeldSignals()
    done = []
    with held.holding():
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C in the middle of a commit
        done.append("the commit finished")
    assert done == ["the commit finished"]
    assert held.received == [signal.SIGINT]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is back
    with pytest.raises(KeyboardInterrupt):
        held.deliver()
    held.deliver()  # delivered once


def test_nothing_held_delivers_nothing() -> None:
    held = HeldSignals()
    with held.holding():
        pass
    held.deliver()
    assert held.received == []
