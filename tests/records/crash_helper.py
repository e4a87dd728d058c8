"""Run as a separate process by the kill test: start a 96372 run, tick steps, then wait.

Usage: python tests/records/crash_helper.py REFERENCE_DB USER_DIR TICKS

Prints ``READY <run id> <ticked keys, comma separated>`` once the ticks are written,
then sleeps until it is killed. Nothing is closed or flushed on purpose: the test kills
it with SIGKILL, like a crash or a power button.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    reference_db, user_dir, ticks = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.environ["QUICKREF_DATA_DIR"] = user_dir
    from desktop.records.checklist import Checklists
    from desktop.records.store import UserStore
    from desktop.reference.store import ReferenceStore

    book = Checklists(UserStore(), ReferenceStore(Path(reference_db)))
    run = book.start("injection-96372")
    ticked: list[str] = []
    for step in run.steps:
        if len(ticked) >= ticks:
            break
        if step.kind == "tick":
            run.tick(step.key)
        elif step.kind == "yes_no":
            run.answer(step.key, False)
        elif step.kind == "choice":
            run.choose(step.key, step.options[0][0])
        else:
            run.set_drug("J3420", "1000", "mcg", single_dose=True)
        ticked.append(step.key)
    print("READY", run.id, ",".join(ticked), flush=True)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
