"""The package's small reader of `config.yaml` (used without PyYAML) on the form the Swift
program writes (RunConfig.yaml)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from rfm import config  # noqa: E402

TEXT = """# Resolved configuration of this run.
seed: 0
agent: rfm
trainer:
  steps: 300
  tensorboard: true
critic:
  max_grad_norm: null
  lr: 0.0003
rfm:
  temperature: 1e-05
  integrator: heun
"""


def test_reads_the_swift_form():
    import builtins
    real_import = builtins.__import__

    def no_yaml(name, *args, **kwargs):  # the fallback reader, even where PyYAML is installed
        if name == "yaml":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    builtins.__import__ = no_yaml
    try:
        got = config.parse(TEXT)
    finally:
        builtins.__import__ = real_import
    assert got == {"seed": 0, "agent": "rfm", "trainer.steps": 300, "trainer.tensorboard": True,
                   "critic.max_grad_norm": None, "critic.lr": 0.0003, "rfm.temperature": 1e-05,
                   "rfm.integrator": "heun"}, got


if __name__ == "__main__":
    test_reads_the_swift_form()
    print("config reader: ok")
