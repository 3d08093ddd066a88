"""Loading official checkpoints into our modules, with a clear report of key mismatches."""
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import torch
from torch import nn

from .safetensors_reader import read_safetensors

# Wrappers seen around state dicts: training checkpoints ({'model': ...}), DDP ('module.').
_CONTAINER_KEYS = ("model", "state_dict", "module")
_IGNORED_PREFIXES = ("module.",)


class CheckpointError(ValueError):
    pass


def read_state_dict(path: Path) -> Dict[str, torch.Tensor]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint file not found")
    if path.suffix == ".safetensors":
        return read_safetensors(path)
    try:
        obj = torch.load(str(path), map_location="cpu")
    except RuntimeError as e:
        # OpenAI's CLIP releases (ViT-L-14.pt) are TorchScript archives, not pickles.
        if "TorchScript" not in str(e) and "jit" not in str(e).lower():
            raise CheckpointError(f"{path}: cannot be read by torch.load ({e})") from e
        obj = torch.jit.load(str(path), map_location="cpu").state_dict()
    except Exception as e:  # pickle errors, truncated zip archives, ...
        raise CheckpointError(f"{path}: cannot be read by torch.load ({e})") from e
    if not isinstance(obj, dict) and hasattr(obj, "state_dict"):
        obj = obj.state_dict()  # torch.load hands TorchScript archives to torch.jit.load
    for key in _CONTAINER_KEYS:
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
            break
    if not isinstance(obj, dict):
        raise CheckpointError(f"{path}: does not contain a state dict (got {type(obj).__name__})")
    out = {}
    for k, v in obj.items():
        if not isinstance(v, torch.Tensor):
            continue
        for prefix in _IGNORED_PREFIXES:
            if k.startswith(prefix):
                k = k[len(prefix):]
        out[k] = v
    return out


def select_prefix(state: Dict[str, torch.Tensor], prefix: str) -> Dict[str, torch.Tensor]:
    return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}


def load_into(module: nn.Module, state: Dict[str, torch.Tensor], source: str,
              optional: Iterable[str] = ()) -> Tuple[List[str], List[str]]:
    """Copy matching tensors into `module`; fail on missing or mis-shaped keys.

    Returns (missing, unexpected) for reporting. Keys named in `optional` (e.g. ViCLIP's
    `temp`, unused at inference) may be absent. Shape mismatches are errors rather than silent
    resizes: a different patch size or context length means a different model.
    """
    own = module.state_dict()
    optional = set(optional)
    missing = sorted(k for k in own if k not in state)
    unexpected = sorted(k for k in state if k not in own)
    bad_shapes = [f"{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(own[k].shape)}"
                  for k in own if k in state and state[k].shape != own[k].shape]
    hard_missing = [k for k in missing if k not in optional]
    if hard_missing or bad_shapes:
        lines = [f"{source}: checkpoint does not fit the model"]
        if hard_missing:
            lines.append(f"  missing keys ({len(hard_missing)}): {', '.join(hard_missing[:20])}"
                         + (" ..." if len(hard_missing) > 20 else ""))
        if bad_shapes:
            lines.append(f"  shape mismatches ({len(bad_shapes)}): " + "; ".join(bad_shapes[:10]))
        if unexpected:
            lines.append(f"  unexpected keys ({len(unexpected)}): {', '.join(unexpected[:20])}"
                         + (" ..." if len(unexpected) > 20 else ""))
        raise CheckpointError("\n".join(lines))
    with torch.no_grad():
        for k, t in own.items():
            if k in state:
                t.copy_(state[k].to(t.dtype))
    return missing, unexpected


def describe_load(source: str, missing: List[str], unexpected: List[str]) -> str:
    parts = [f"loaded {source}"]
    parts.append(f"missing (optional) keys: {', '.join(missing)}" if missing else "no missing keys")
    if unexpected:
        shown = ", ".join(unexpected[:20]) + (" ..." if len(unexpected) > 20 else "")
        parts.append(f"ignored {len(unexpected)} unexpected keys: {shown}")
    else:
        parts.append("no unexpected keys")
    return "; ".join(parts)
