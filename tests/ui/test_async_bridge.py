"""spawn(), slot() and latest_wins() on a qasync loop; plain async tests stay on plain asyncio."""

from __future__ import annotations

import asyncio

import qasync

from kisdesk.ui.async_bridge import latest_wins, pending_tasks, slot, spawn


async def _fail() -> None:
    raise ValueError("boom")


def test_spawn_sends_errors_to_the_sink(qloop: asyncio.AbstractEventLoop) -> None:
    errors: list[BaseException] = []

    async def scenario() -> None:
        task = spawn(_fail(), errors.append)
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)  # done callbacks run one loop turn later

    qloop.run_until_complete(scenario())
    assert [str(e) for e in errors] == ["boom"]
    assert not pending_tasks()


def test_slot_ignores_signal_arguments_and_runs_the_coroutine(qloop: asyncio.AbstractEventLoop) -> None:
    done = asyncio.Event()

    async def handler() -> None:
        done.set()

    async def scenario() -> None:
        slot(handler, on_error=lambda exc: None)(True)  # as QPushButton.clicked(bool) would call it
        await asyncio.wait_for(done.wait(), 2)

    qloop.run_until_complete(scenario())
    assert done.is_set()


def test_latest_wins_cancels_the_older_request(qloop: asyncio.AbstractEventLoop) -> None:
    results: list[str] = []
    errors: list[BaseException] = []

    async def fetch(label: str, delay: float) -> None:
        await asyncio.sleep(delay)
        results.append(label)

    async def scenario() -> None:
        old = latest_wins("quote", fetch("old", 0.2), errors.append)
        new = latest_wins("quote", fetch("new", 0.01), errors.append)
        await asyncio.gather(old, new, return_exceptions=True)
        assert old.cancelled()

    qloop.run_until_complete(scenario())
    assert results == ["new"]
    assert errors == []  # a cancellation is not an error


async def test_auto_mode_async_tests_run_on_plain_asyncio() -> None:
    assert not isinstance(asyncio.get_running_loop(), qasync.QEventLoop)


def test_run_dialog_answers_and_closes_the_dialog_when_its_task_is_cancelled(qtbot, qloop) -> None:
    from PySide6.QtWidgets import QDialog, QWidget

    from kisdesk.ui.async_bridge import accepted, run_dialog

    window = QWidget()  # as in the app: closing a dialog never closes the last window
    qtbot.addWidget(window)
    window.show()
    answered = QDialog(window)
    abandoned = QDialog(window)

    async def scenario() -> tuple[bool, bool]:
        first = asyncio.ensure_future(run_dialog(answered, accepted, delete=False))
        await asyncio.sleep(0)
        answered.accept()
        second = asyncio.ensure_future(run_dialog(abandoned, accepted, delete=False))
        await asyncio.sleep(0)
        shown = abandoned.isVisible()
        second.cancel()
        await asyncio.gather(second, return_exceptions=True)
        return await first, shown

    result, shown = qloop.run_until_complete(scenario())
    assert result is True
    assert shown
    assert not abandoned.isVisible()
