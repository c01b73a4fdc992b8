"""Reads a run folder's TensorBoard event files with TensorBoard's own readers and checks that they
hold exactly the scalars of its metrics.jsonl: every tag, every step, every value (to float32 and
the six significant digits metrics.jsonl keeps), each (tag, step) once across the files.

    .venv-tb/bin/python scripts/reference/tensorboard_check.py RUN_DIR

Prints one line per tag found, then "tensorboard check: ok"; exits non-zero naming the first
difference.
"""
import json
import math
import pathlib
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
# The legacy loader yields events as written (the other one moves simple_value into a tensor).
from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader


def main(run: pathlib.Path) -> None:
    expected: dict[str, dict[int, float]] = {}
    for line in (run / "metrics.jsonl").read_text().splitlines():
        row = json.loads(line)
        for tag, value in row.items():
            if tag != "step" and value is not None:
                expected.setdefault(tag, {})[row["step"]] = value

    # Every record of every file, as written (no merging): each (tag, step) at most once.
    files = sorted((run / "tb").glob("events.out.tfevents.*"))
    assert files, f"no event files in {run / 'tb'}"
    seen: dict[tuple[str, int], float] = {}
    versions = 0
    for path in files:
        for event in LegacyEventFileLoader(str(path)).Load():
            if event.HasField("file_version"):
                assert event.file_version == "brain.Event:2", event.file_version
                versions += 1
            for value in event.summary.value:
                key = (value.tag, event.step)
                assert key not in seen, f"{key} appears twice in {run / 'tb'}"
                seen[key] = value.simple_value
    assert versions == len(files), f"{versions} file_version events in {len(files)} files"

    # The scalars as TensorBoard's accumulator serves them.
    acc = EventAccumulator(str(run / "tb"), size_guidance={"scalars": 0})
    acc.Reload()
    tags = set(acc.Tags()["scalars"])
    assert tags == set(expected), f"tags differ: only in tb {sorted(tags - set(expected))}, only in jsonl {sorted(set(expected) - tags)}"
    for tag in sorted(tags):
        found = {e.step: e.value for e in acc.Scalars(tag)}
        assert found.keys() == expected[tag].keys(), f"{tag}: steps {sorted(found)} != {sorted(expected[tag])}"
        for step, value in expected[tag].items():
            assert math.isclose(found[step], value, rel_tol=1e-5, abs_tol=1e-30), f"{tag} at {step}: {found[step]} != {value}"
            assert seen[(tag, step)] == found[step]
        print(f"{tag}: {len(found)} steps {sorted(found)}")
    print(f"tensorboard check: ok ({len(seen)} scalars in {len(files)} files)")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
