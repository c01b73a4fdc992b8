"""A run's checkpoint, `checkpoints/latest.safetensors`: the agent's tensors (`agent.*`, the
prefix dropped) and its metadata, with the whole-file CRC-32 checked.

The Swift program stores `file_crc32` (eight hex digits) in the metadata, computed over the whole
file with those eight digits written as `00000000` (NeuralNet/Safetensors.swift)."""
import json
import pathlib
import struct
import zlib

import numpy as np
from safetensors import safe_open


class CheckpointError(Exception):
    pass


def verify(data: bytes) -> None:
    """Raises CheckpointError unless `file_crc32` matches (a file without it passes)."""
    (n,) = struct.unpack("<Q", data[:8])
    key = b'"file_crc32":"'
    at = data.find(key, 8, 8 + n)
    if at < 0:
        return
    start = at + len(key)
    expected = data[start:start + 8].decode()
    zeroed = data[:start] + b"00000000" + data[start + 8:]
    if f"{zlib.crc32(zeroed) & 0xFFFFFFFF:08x}" != expected:
        raise CheckpointError(f"checksum mismatch: file_crc32 is {expected}")


def load(run, verify_checksum: bool = True):
    """(tensors without the `agent.` prefix, metadata dict) of the run's latest checkpoint."""
    path = pathlib.Path(run) / "checkpoints" / "latest.safetensors"
    data = path.read_bytes()
    if verify_checksum:
        verify(data)
    (n,) = struct.unpack("<Q", data[:8])
    metadata = json.loads(data[8:8 + n]).get("__metadata__", {})
    # Only the agent's tensors are read (the file also holds the replay buffer).
    with safe_open(str(path), framework="np") as f:
        tensors = {k[len("agent."):]: f.get_tensor(k) for k in f.keys() if k.startswith("agent.")}
    return tensors, metadata


def agent_scalars(metadata) -> dict:
    state = json.loads(metadata.get("trainer_state", "{}"))
    return state.get("agentScalars", {})
