#!/usr/bin/env python3
"""Reference frames from dm_control's own renderer, for the Swift renderer (RenderReferenceTests).

Runs in .venv-dmc (scripts/reference/dmc_venv.sh) with MUJOCO_GL=egl or osmesa:

  MUJOCO_GL=egl .venv-dmc/bin/python scripts/reference/render_reference.py --out DIR

For each case below it puts a task's physics in a fixed state (qpos given, qvel zero, then
mj_forward), renders it with `physics.render(height, width, camera_id)` and writes DIR/NAME.ppm
(binary PPM, top row first) and DIR/cases.json listing task, qpos, camera, size and file, which the
Swift test reads to render the same states.
"""
import argparse
import json
import os

import numpy as np
from dm_control import suite

# (task, qpos, camera_id): the default free camera on several models, and named fixed cameras.
CASES = [
    ("cartpole-swingup", [0.3, 2.5], -1),
    ("cartpole-swingup", [-0.5, 0.7], 0),
    ("cheetah-run", [0.4, 0.1, 0.2, 0.3, -0.4, 0.5, 0.2, -0.3, 0.1], 0),
    ("walker-walk", [0.1, 0.0, 0.2, 0.3, -0.5, 0.2, 0.1, -0.3, 0.4], -1),
    ("finger-spin", [0.3, -0.6, 1.2], -1),
]
HEIGHT, WIDTH = 240, 320


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = []
    for i, (task, qpos, camera) in enumerate(CASES):
        domain, name = task.split("-", 1)
        env = suite.load(domain, name)
        physics = env.physics
        with physics.reset_context():
            physics.data.qpos[:] = qpos
            physics.data.qvel[:] = 0
        image = physics.render(height=HEIGHT, width=WIDTH, camera_id=camera)
        file = f"{i}-{task}-camera{camera}.ppm"
        with open(os.path.join(args.out, file), "wb") as f:
            f.write(b"P6 %d %d 255\n" % (WIDTH, HEIGHT))
            f.write(np.ascontiguousarray(image, dtype=np.uint8).tobytes())
        manifest.append({"task": task, "qpos": qpos, "camera": camera, "width": WIDTH, "height": HEIGHT, "file": file})
    with open(os.path.join(args.out, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"wrote {len(manifest)} reference frames to {args.out}")


if __name__ == "__main__":
    main()
