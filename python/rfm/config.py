"""A run's resolved `config.yaml` as dotted keys. PyYAML reads it when installed; otherwise a
small reader of the two-level form the Swift program writes (`section:` then `  key: value`)."""
import pathlib


def _scalar(text: str):
    text = text.split(" #")[0].strip()
    if text in ("null", "~", ""):
        return None
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip("'\"")


def parse(text: str) -> dict:
    try:
        import yaml  # optional
        doc = yaml.safe_load(text)
        out = {}
        for k, v in doc.items():
            if isinstance(v, dict):
                out.update({f"{k}.{kk}": vv for kk, vv in v.items()})
            else:
                out[k] = v
        return out
    except ImportError:
        pass
    out, section = {}, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.strip().partition(":")
        if line.startswith((" ", "\t")):
            out[f"{section}.{key}"] = _scalar(value)
        elif value.strip() == "":
            section = key
        else:
            out[key] = _scalar(value)
    return out


def load(run) -> dict:
    return parse((pathlib.Path(run) / "config.yaml").read_text())
