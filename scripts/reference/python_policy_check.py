"""Checks the Python package (python/rfm, imported from this checkout) against numbers the Swift
agent produced for the same run (PythonPolicyTests writes them):

    .venv-tb/bin/python scripts/reference/python_policy_check.py RUN_DIR swift-expected.json

- deterministic actions for the same observations, with the noise derived in Python and with the
  Swift noise passed in explicitly: within 1e-5;
- the derived noise itself equals the Swift noise (within 1e-6, the float32 C library's log/cos);
- `rfm eval RUN --episodes 2 --seed 7`'s returns from the package's Pendulum (RFM: replaying the
  Swift episodes' particle noise): within 1e-3 relative.
- a checkpoint with one flipped bit fails the file_crc32 check.
Prints the largest differences; exits non-zero on the first failure.
"""
import json
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "python"))
import rfm  # noqa: E402
from rfm.pendulum import evaluate  # noqa: E402


def main(run: str, expected_path: str) -> None:
    expected = json.loads(pathlib.Path(expected_path).read_text())
    policy = rfm.load(run)
    # One flipped bit in the checkpoint is caught by its file_crc32.
    from rfm.checkpoint import CheckpointError, verify
    data = bytearray((pathlib.Path(run) / "checkpoints" / "latest.safetensors").read_bytes())
    verify(bytes(data))
    data[len(data) // 2] ^= 0x10
    try:
        verify(bytes(data))
        raise AssertionError("a corrupted checkpoint passed file_crc32")
    except CheckpointError:
        pass
    obs = np.array(expected["observations"], dtype=np.float32)
    want = np.array(expected["actions"], dtype=np.float32)
    got = policy.act(obs, deterministic=True)
    derived = float(np.abs(got - want).max())
    line = f"{type(policy).__name__}: max |Δaction| {derived:.3g} (noise derived in Python)"
    assert derived <= 1e-5, line
    if expected["noise"]:
        noise = np.array(expected["noise"], dtype=np.float32)
        p = policy.particles(True)
        explicit = float(np.abs(policy.act(obs, deterministic=True, noise=noise.reshape(len(obs), p, -1)) - want).max())
        from rfm.random import evaluation_noise
        mine = np.stack([evaluation_noise(o, p, policy.action_size).reshape(-1) for o in obs])
        noise_diff = float(np.abs(mine - noise).max())
        line += f", {explicit:.3g} (Swift noise passed in); max |Δnoise| {noise_diff:.3g}"
        assert explicit <= 1e-5 and noise_diff <= 1e-6, line
    if not expected["evalReturns"]:  # a task the package does not simulate
        print(line)
        print("python policy check: ok")
        return
    # RFM: with the Swift run's per-step noise replayed (derived from the observations' bits, it
    # would differ from the first last-bit difference of an action on).
    replay = [[np.array(z, dtype=np.float32).reshape(policy.particles(True), -1) for z in episode]
              for episode in expected["evalNoise"]] if expected["evalNoise"] else None
    returns = evaluate(policy, len(expected["evalReturns"]), expected["evalSeed"], noise=replay)
    rel = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(returns, expected["evalReturns"]))
    line += f"; eval returns {[round(r, 4) for r in returns]} vs Swift {[round(r, 4) for r in expected['evalReturns']]} (max rel {rel:.3g})"
    assert rel <= 1e-3, line
    print(line)
    print("python policy check: ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
