"""Runs the authors' main.py with their training diagnostics written to a file.

Their logger writes only evaluations to metrics.jsonl when wandb is off; the training metrics their
agents return (critic loss, gradient norms, ESS, the control-variate coefficient, Q mean and spread,
...) go to wandb alone. This wrapper leaves their checkout untouched: it wraps `Logger.log` so that
each "train" record (one per `trainer.log_interval` steps) is also appended, as one JSON object per
line, to `train_metrics.jsonl` beside their metrics.jsonl, then runs their `main` exactly as
`python main.py ARGS` would. Run it from the root of their checkout:

    cd AUTHORS_REPO && python /path/to/authors_main_with_train_log.py --config ... --override ...
"""

import json
import os
import sys

sys.path.insert(0, os.getcwd())

import numpy as np  # noqa: E402
from absl import app  # noqa: E402

import main as authors_main  # noqa: E402
from src.utils import logger as authors_logger  # noqa: E402

_original_log = authors_logger.Logger.log


def _scalar(value):
    array = np.asarray(value)
    return array.item() if array.shape == () else array.tolist()


def _log_with_train_file(self, d, category="train"):
    if category == "train":
        path = os.path.join(self._run_dir, "train_metrics.jsonl")
        record = {key: _scalar(value) for key, value in d.items()}
        with open(path, "a") as f:
            f.write(json.dumps(record) + "\n")
    return _original_log(self, d, category)


authors_logger.Logger.log = _log_with_train_file

if __name__ == "__main__":
    app.run(authors_main.main)
