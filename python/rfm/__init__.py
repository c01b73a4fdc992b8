"""Use a run of the Swift `rfm` program from Python: load its policy, act, read its metrics.

    import rfm
    policy = rfm.load("runs/rfm-pendulum-seed0")
    a = policy.act(obs, deterministic=True)      # in [−1, 1]ᵈ, as the agent emits it
    rows = rfm.read_metrics("runs/rfm-pendulum-seed0")

Needs only NumPy and safetensors (PyYAML and pandas are used when present).
"""
import json
import pathlib

from . import checkpoint, config
from .policies import RFMPolicy, SACPolicy, rescale

__all__ = ["load", "read_metrics", "rescale", "RFMPolicy", "SACPolicy"]


def load(run, verify_checksum: bool = True):
    """The policy of a run folder's latest checkpoint (agents `rfm` with the flow policy, `sac`).

    The configuration is the run's `config.yaml`; the checkpoint's whole-file CRC-32 is checked.
    """
    cfg = config.load(run)
    tensors, metadata = checkpoint.load(run, verify_checksum)
    scalars = checkpoint.agent_scalars(metadata)
    agent = cfg["agent"]
    last_kernel = max((k for k in tensors if k.startswith("actor.layers.") and k.endswith(".kernel")),
                      key=lambda k: int(k.split(".")[2]))
    outputs, inputs = tensors[last_kernel].shape[1], tensors["actor.layers.0.kernel"].shape[0]
    if agent == "rfm":
        action_size = outputs
        observation_size = inputs - action_size - 2 * cfg["actor.embedding"]
        policy = RFMPolicy(cfg, tensors, scalars, observation_size, action_size)
    elif agent == "sac":
        policy = SACPolicy(cfg, tensors, scalars, inputs, outputs // 2)
    else:
        raise NotImplementedError(f"agent {agent!r}: only rfm and sac policies are implemented in Python")
    policy.config, policy.env = cfg, cfg["env"]
    return policy


def read_metrics(run):
    """The rows of `metrics.jsonl` (`step` and the logged scalars; null is None): a pandas
    DataFrame when pandas is installed, else a list of dicts."""
    rows = [json.loads(line) for line in (pathlib.Path(run) / "metrics.jsonl").read_text().splitlines() if line.strip()]
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)
