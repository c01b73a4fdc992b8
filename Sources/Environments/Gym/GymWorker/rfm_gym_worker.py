"""rfm's Gymnasium worker: one environment, served over stdin/stdout to the Swift bridge.

Started by ``GymWorkerProcess`` (Sources/Environments/Gym) as

    python -u rfm_gym_worker.py ENV_ID KWARGS_JSON

and never used for training on its own. It needs only ``gymnasium`` and ``numpy`` (plus whatever
the environment itself imports). It lives next to the Swift half of the protocol and is copied
into the Environments resource bundle, so a built ``rfm`` finds it the way it finds its presets;
``RFM_GYM_WORKER`` names another copy.

Protocol (docs/environments.md). Every message, both ways, is a frame: a little-endian ``u32``
payload length, then the payload. A request payload is one opcode byte and its body; a reply
payload is ``K`` and its body, or ``E`` and a one-line UTF-8 message (the request failed; the
worker stays up unless the message says otherwise).

    I                      -> K u32 obs_size, u32 act_size, f32[act] low, f32[act] high
    R u64 seed             -> K f32[obs]                            (reset(seed=seed))
    S f32[act] action      -> K f64 reward, u8 terminated, u8 truncated, f32[obs]
    X f64[n] state         -> K f32[obs]   (tests: env.unwrapped.state = state)
    C                      -> K, then the worker exits

Actions arrive already in the environment's own bounds; observations leave flattened to float32.
Reading end of file on stdin (the parent died) exits quietly.
"""

import importlib
import json
import os
import re
import struct
import sys


class Refusal(Exception):
    """The environment cannot be served; the message is one line for the user."""


def make_env(env_id, kwargs):
    """``gymnasium.make`` for the three spellings of ``gym:ID`` (docs/environments.md)."""
    import gymnasium as gym

    if ":" in env_id:
        # module:Name, where Name is an id the import registers or an attribute (an entry point).
        module_name, name = env_id.split(":", 1)
        module = importlib.import_module(module_name)
        if name in gym.registry:
            return gym.make(name, **kwargs)
        target = getattr(module, name, None)
        if target is None:
            raise Refusal(f"module '{module_name}' registers no environment '{name}' and has no attribute '{name}'")
        local_id = "rfm_bridge/" + re.sub(r"[^\w.-]", "_", f"{module_name}.{name}") + "-v0"
        if local_id not in gym.registry:
            gym.register(id=local_id, entry_point=target)
        return gym.make(local_id, **kwargs)
    if env_id not in gym.registry and "/" in env_id:
        # namespace/Name-v0: the namespace's package registers it when imported.
        importlib.import_module(env_id.split("/", 1)[0])
    return gym.make(env_id, **kwargs)


def check_spaces(env):
    """The spaces the bridge can serve: a numeric Box observation, a bounded float Box action."""
    import numpy as np
    from gymnasium import spaces

    obs, act = env.observation_space, env.action_space
    if not isinstance(obs, spaces.Box):
        raise Refusal(f"observation space {obs} is not a Box; the bridge needs a flat array of numbers")
    if obs.dtype.kind not in "fiub":
        raise Refusal(f"observation space has dtype {obs.dtype}; the bridge needs numbers")
    if not isinstance(act, spaces.Box):
        raise Refusal(f"action space {act} is not a Box; the bridge needs continuous actions")
    if act.dtype.kind != "f":
        raise Refusal(f"action space has dtype {act.dtype}; the bridge needs floating-point actions")
    if not (np.all(np.isfinite(act.low)) and np.all(np.isfinite(act.high))):
        raise Refusal(f"action space {act} is unbounded; the bridge needs finite low and high")
    if not np.all(act.low < act.high):
        raise Refusal(f"action space {act} has a dimension with low >= high")
    return int(np.prod(obs.shape)), int(np.prod(act.shape))


class Channel:
    """Frames over raw file descriptors: one write per message, no Python-level buffering."""

    def __init__(self, read_fd, write_fd):
        self.read_fd, self.write_fd = read_fd, write_fd
        self.pending = b""

    def receive(self):
        """The next request's payload, a view into the bytes read (no copy)."""
        while True:
            pending = self.pending
            if len(pending) >= 4:
                (n,) = struct.unpack_from("<I", pending)
                if len(pending) >= 4 + n:
                    self.pending = pending[4 + n:]
                    return memoryview(pending)[4:4 + n]
            chunk = os.read(self.read_fd, 1 << 16)
            if not chunk:
                sys.exit(0)  # the parent closed the pipe or died
            self.pending = pending + chunk if pending else chunk

    def send(self, payload):
        self.send_frame(struct.pack("<I", len(payload)) + payload)

    def send_frame(self, frame):
        view = memoryview(frame)
        while view:
            view = view[os.write(self.write_fd, view):]


def one_line(error):
    text = f"{type(error).__name__}: {error}" if not isinstance(error, Refusal) else str(error)
    return " ".join(text.split())


def serve(channel, env_id, kwargs_json):
    import numpy as np

    try:
        env = make_env(env_id, json.loads(kwargs_json))
        obs_size, act_size = check_spaces(env)
    except Exception as error:  # noqa: BLE001 - every failure is reported to the parent
        # The first request is I; answer it with the reason, then exit.
        channel.receive()
        channel.send(b"E" + one_line(error).encode())
        return
    act_shape, act_dtype = env.action_space.shape, env.action_space.dtype
    # The step reply is the hot path: its frame header (length, K, reward, flags) packed at once.
    step_header = struct.Struct("<IcdBB")
    step_length = 1 + 8 + 2 + 4 * obs_size

    def observation(obs):
        o = np.asarray(obs)
        if o.dtype.kind not in "fiub":
            raise Refusal(f"the environment returned an observation of dtype {o.dtype}")
        o = o.astype(np.float32, copy=False).ravel()
        if o.size != obs_size:
            raise Refusal(f"the environment returned {o.size} observation numbers, its space has {obs_size}")
        return o.tobytes()

    while True:
        payload = channel.receive()
        op, body = payload[:1].tobytes(), payload[1:]
        try:
            if op == b"S":
                action = np.frombuffer(body, dtype=np.float32).astype(act_dtype).reshape(act_shape)
                obs, reward, terminated, truncated, _ = env.step(action)
                o = observation(obs)
                channel.send_frame(step_header.pack(step_length, b"K", float(reward), bool(terminated), bool(truncated)) + o)
                continue
            elif op == b"R":
                (seed,) = struct.unpack("<Q", body)
                obs, _ = env.reset(seed=seed)
                reply = observation(obs)
            elif op == b"I":
                low = env.action_space.low.astype(np.float32).ravel()
                high = env.action_space.high.astype(np.float32).ravel()
                reply = struct.pack("<II", obs_size, act_size) + low.tobytes() + high.tobytes()
            elif op == b"X":
                inner = env.unwrapped
                inner.state = np.frombuffer(body, dtype=np.float64).copy()
                if not hasattr(inner, "_get_obs"):
                    raise Refusal(f"{type(inner).__name__} has no _get_obs to observe a set state")
                reply = observation(inner._get_obs())
            elif op == b"C":
                env.close()
                channel.send(b"K")
                return
            else:
                raise Refusal(f"unknown request {op!r}")
        except Exception as error:  # noqa: BLE001 - reported to the parent, which stops the run
            channel.send(b"E" + one_line(error).encode())
            continue
        channel.send(b"K" + reply)


def main():
    env_id, kwargs_json = sys.argv[1], sys.argv[2]
    # The protocol owns the original stdout; whatever the environment prints goes to stderr.
    out_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    serve(Channel(0, out_fd), env_id, kwargs_json)


if __name__ == "__main__":
    main()
