"""OpenAI CLIP image tower (ViT), the input of the LAION aesthetic predictor.

Keys follow OpenAI's `visual.*` layout; Hugging Face `CLIPModel` checkpoints
(`vision_model.*`, `visual_projection.weight`) are renamed into it by `from_hf_clip`.
"""
from dataclasses import dataclass, asdict
from typing import Dict

import torch
from torch import nn

from .layers import Transformer, l2_normalize


@dataclass(frozen=True)
class ClipImageConfig:
    name: str
    image_res: int
    patch: int
    width: int
    layers: int
    heads: int
    embed_dim: int

    def to_json(self) -> dict:
        return asdict(self)


# tiny keeps the 768-d output of L/14 so it can feed the real aesthetic heads in tests.
CLIP_CONFIGS = {
    "tiny": ClipImageConfig("tiny", 224, 32, 16, 2, 2, 768),
    "l14": ClipImageConfig("l14", 224, 14, 1024, 24, 16, 768),
}


class ClipVisual(nn.Module):
    def __init__(self, cfg: ClipImageConfig):
        super().__init__()
        w = cfg.width
        self.conv1 = nn.Conv2d(3, w, cfg.patch, cfg.patch, bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(w))
        self.positional_embedding = nn.Parameter(torch.zeros((cfg.image_res // cfg.patch) ** 2 + 1, w))
        self.ln_pre = nn.LayerNorm(w)
        self.transformer = Transformer(w, cfg.layers, cfg.heads)
        self.ln_post = nn.LayerNorm(w)
        self.proj = nn.Parameter(torch.zeros(w, cfg.embed_dim))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        """image [B, 3, H, W] (CLIP-normalised RGB) -> unnormalised [B, D]."""
        x = self.conv1(image)
        b, c = x.shape[0], x.shape[1]
        x = x.reshape(b, c, -1).permute(0, 2, 1)
        cls = self.class_embedding.reshape(1, 1, c).expand(b, 1, c)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.transformer(self.ln_pre(x))
        return self.ln_post(x[:, 0]) @ self.proj


class ClipImageModel(nn.Module):
    """Wrapper so the state-dict keys carry OpenAI's `visual.` prefix."""

    def __init__(self, cfg: ClipImageConfig):
        super().__init__()
        self.cfg = cfg
        self.visual = ClipVisual(cfg)


class NormalizedImage(nn.Module):
    def __init__(self, visual: ClipVisual):
        super().__init__()
        self.visual = visual

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return l2_normalize(self.visual(image))


def from_hf_clip(state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename a Hugging Face CLIPModel state dict's vision side to OpenAI's `visual.*` keys.

    Returns the input unchanged when it has no `vision_model.` keys. HF splits the attention
    input projection into q/k/v Linear layers; OpenAI stores them stacked as in_proj.
    """
    prefix = next((p for p in ("vision_model.", "clip.vision_model.") if any(k.startswith(p) for k in state)), None)
    if prefix is None:
        return state
    root = prefix[: -len("vision_model.")]
    out: Dict[str, torch.Tensor] = {}
    emb = prefix + "embeddings."
    out["visual.class_embedding"] = state[emb + "class_embedding"]
    out["visual.conv1.weight"] = state[emb + "patch_embedding.weight"]
    out["visual.positional_embedding"] = state[emb + "position_embedding.weight"]
    for src, dst in (("pre_layrnorm", "ln_pre"), ("post_layernorm", "ln_post")):
        for leaf in ("weight", "bias"):
            out[f"visual.{dst}.{leaf}"] = state[f"{prefix}{src}.{leaf}"]
    out["visual.proj"] = state[root + "visual_projection.weight"].t().contiguous()
    i = 0
    while f"{prefix}encoder.layers.{i}.layer_norm1.weight" in state:
        s, d = f"{prefix}encoder.layers.{i}.", f"visual.transformer.resblocks.{i}."
        for leaf in ("weight", "bias"):
            out[d + "attn.in_proj_" + leaf] = torch.cat(
                [state[f"{s}self_attn.{n}_proj.{leaf}"] for n in ("q", "k", "v")], dim=0)
            out[d + "attn.out_proj." + leaf] = state[f"{s}self_attn.out_proj.{leaf}"]
            out[d + "ln_1." + leaf] = state[f"{s}layer_norm1.{leaf}"]
            out[d + "ln_2." + leaf] = state[f"{s}layer_norm2.{leaf}"]
            out[d + "mlp.c_fc." + leaf] = state[f"{s}mlp.fc1.{leaf}"]
            out[d + "mlp.c_proj." + leaf] = state[f"{s}mlp.fc2.{leaf}"]
        i += 1
    return out
