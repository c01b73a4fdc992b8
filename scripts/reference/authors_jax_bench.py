"""Times the authors' JAX code (azizanlab/ReverseFlowMatching) at the same shapes as `rfm bench`.

Builds the authors' RFM or SAC agent from their own configs (configs/default.yaml, plus
configs/rfm.yaml for RFM, as their main.py merges them), with the keyword arguments their main.py
passes, then times, after compilation:
  - `agent.update(*batch)` on a random batch of the config's size, waiting for the new parameters
    (`jax.block_until_ready`) after each one: the `update_ms` of `rfm bench update` (the median,
    as ours; the mean too);
  - `agent.sample_actions(observation)` for one observation (the result comes back to the host as
    NumPy, as their trainer uses it): the `act_ms` of `rfm bench act` (the median).

Needs only jax, flax, optax, numpy and pyyaml (no dm_control: the environment is not built).
    python3 scripts/reference/authors_jax_bench.py --repo PATH --agent rfm --state-dim 17 --action-dim 6
Prints one JSON object. `--set section.key=value` overrides a config value (YAML-parsed), as their
`--override` does.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import yaml


def merged_config(repo: Path, agent: str, overrides):
    def load(p):
        with open(p) as f:
            return yaml.safe_load(f) or {}

    cfg = load(repo / "configs" / "default.yaml")
    if agent == "rfm":
        for section, values in load(repo / "configs" / "rfm.yaml").items():
            cfg.setdefault(section, {}).update(values)
    for item in overrides:
        key, raw = item.split("=", 1)
        section, name = key.split(".", 1)
        cfg[section][name] = yaml.safe_load(raw)
    return cfg


def build_agent(agent: str, cfg, state_dim: int, action_dim: int):
    actor, critic, seed = cfg["actor"], cfg["critic"], int(cfg["seed"])
    critic_config = {
        "state_dim": state_dim, "action_dim": action_dim,
        "hidden_size": int(critic["hidden_size"]), "hidden_layers": int(critic["hidden_layers"]),
        "num_q": int(critic["num_q"]), "discount": float(critic["discount"]), "tau": float(critic["tau"]),
        "target_update_period": int(critic.get("target_update_period", 1)),
        "lr": float(critic["lr"]), "max_grad_norm": critic.get("max_grad_norm"), "seed": seed,
    }
    if agent == "sac":
        from src.agent.sac import SAC
        s = cfg["sac"]
        return SAC(state_dim=state_dim, action_dim=action_dim, critic_config=critic_config,
                   actor_hidden_size=int(actor["hidden_size"]), actor_hidden_layers=int(actor["hidden_layers"]),
                   actor_lr=float(actor["lr"]), actor_max_grad_norm=actor.get("max_grad_norm"),
                   alpha_lr=float(s["alpha_lr"]), log_std_min=float(s["log_std_min"]),
                   log_std_max=float(s["log_std_max"]), seed=seed)
    from src.agent.rfm import RFM
    r = cfg["rfm"]
    return RFM(sample_dim=action_dim, state_dim=state_dim, critic_config=critic_config,
               actor_hidden_size=int(actor["hidden_size"]), actor_hidden_layers=int(actor["hidden_layers"]),
               actor_emb_size=int(actor["emb_size"]), actor_lr=float(actor["lr"]),
               actor_max_grad_norm=actor.get("max_grad_norm"),
               num_estimator_mc_samples=int(r["num_estimator_mc_samples"]),
               num_integration_steps=int(r["num_integration_steps"]),
               batch_size=int(cfg["trainer"]["batch_size"]), cv_weight=float(r["cv_weight"]),
               cv_weight_autotune=bool(r["cv_weight_autotune"]), cv_ridge=float(r["cv_ridge"]),
               cv_clip=float(r["cv_clip"]), rfm_on_policy=bool(r["rfm_on_policy"]),
               init_temperature=float(r["init_temperature"]), final_temperature=float(r["final_temperature"]),
               temperature_steps=int(r["temperature_steps"]),
               num_particles_training=int(r["num_particles_training"]),
               num_particles_data=int(r["num_particles_data"]), num_particles_eval=int(r["num_particles_eval"]),
               sampler_method=str(r["sampler_method"]).lower().strip(), t_min=float(r["t_min"]), seed=seed)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repo", required=True, type=Path)
    p.add_argument("--agent", choices=["rfm", "sac"], default="rfm")
    p.add_argument("--state-dim", type=int, default=17)
    p.add_argument("--action-dim", type=int, default=6)
    p.add_argument("--iterations", type=int, default=50)
    p.add_argument("--repeats", type=int, default=300)
    p.add_argument("--set", action="append", default=[])
    a = p.parse_args()
    sys.path.insert(0, str(a.repo))
    import jax

    cfg = merged_config(a.repo, a.agent, a.set)
    agent = build_agent(a.agent, cfg, a.state_dim, a.action_dim)
    n = int(cfg["trainer"]["batch_size"])
    rng = np.random.default_rng(0)
    batch = (rng.standard_normal((n, a.state_dim)).astype(np.float32),
             rng.uniform(-1, 1, (n, a.action_dim)).astype(np.float32),
             rng.standard_normal(n).astype(np.float32), np.ones(n, np.float32),
             rng.standard_normal((n, a.state_dim)).astype(np.float32))

    def params():
        return agent.actor_params if a.agent == "sac" else agent.net_params

    start = time.perf_counter()
    for _ in range(3):  # compilation, then two warm updates
        jax.block_until_ready(agent.update(*batch))
    compile_s = time.perf_counter() - start
    times = []
    for _ in range(a.iterations):
        start = time.perf_counter()
        agent.update(*batch)
        jax.block_until_ready(params())
        times.append(time.perf_counter() - start)
    update_ms = float(np.median(times)) * 1e3
    update_mean_ms = float(np.mean(times)) * 1e3

    obs = rng.standard_normal(a.state_dim).astype(np.float32)
    for _ in range(3):
        agent.sample_actions(obs)
    times = []
    for _ in range(a.repeats):
        start = time.perf_counter()
        agent.sample_actions(obs)
        times.append(time.perf_counter() - start)
    act_ms = float(np.median(times)) * 1e3
    print(json.dumps({"code": "azizanlab/ReverseFlowMatching", "agent": a.agent, "jax": jax.__version__,
                      "device": str(jax.devices()[0]), "state_dim": a.state_dim, "action_dim": a.action_dim,
                      "batch": n, "iterations": a.iterations, "first_three_updates_s": round(compile_s, 2),
                      "update_ms": update_ms, "update_mean_ms": update_mean_ms, "act_ms": act_ms, "overrides": a.set}))


if __name__ == "__main__":
    main()
