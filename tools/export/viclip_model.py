"""ViCLIP (InternVid, arXiv 2307.06942) video and text towers.

Written from the paper and the reference implementation's documented behaviour
(OpenGVLab/InternVideo, Data/InternVid/viclip): the vision tower is CLIP's ViT with a Conv3d
patch embedding of temporal kernel 1, a class token, a spatial positional embedding shared by
all frames plus a temporal positional embedding shared by all patches, then *joint*
space-time attention over all 8 x grid^2 patch tokens and one class token. The text tower is
CLIP's causal text transformer with a 32-token context, pooled at the EOT token (the largest
id in the row). State-dict keys match the official checkpoints (`vision_encoder.*`,
`text_encoder.*`) so they load unchanged.
"""
from dataclasses import dataclass, asdict

import torch
from torch import nn

from .layers import Transformer, l2_normalize


@dataclass(frozen=True)
class ViclipConfig:
    name: str
    image_res: int
    patch: int
    frames: int
    vision_width: int
    vision_layers: int
    vision_heads: int
    text_width: int
    text_layers: int
    text_heads: int
    embed_dim: int
    context: int = 32
    vocab: int = 49408

    def to_json(self) -> dict:
        return asdict(self)


# b16 / l14 mirror the official clip_joint_b16 / clip_joint_l14 and clip_text_b16 / _l14.
# tiny keeps the real I/O contract (8 x 3 x 224 x 224 in, CLIP vocabulary) but patch 32 and
# narrow layers so the committed test fixture stays under ~3 MB; the 49408 x width token
# table dominates, hence the very narrow text width.
CONFIGS = {
    "tiny": ViclipConfig("tiny", 224, 32, 8, 32, 2, 2, 12, 2, 2, 16),
    "b16": ViclipConfig("b16", 224, 16, 8, 768, 12, 12, 512, 12, 8, 512),
    "l14": ViclipConfig("l14", 224, 14, 8, 1024, 24, 16, 768, 12, 12, 768),
}


class ViclipVision(nn.Module):
    def __init__(self, cfg: ViclipConfig):
        super().__init__()
        w, p = cfg.vision_width, cfg.patch
        self.frames = cfg.frames
        self.conv1 = nn.Conv3d(3, w, (1, p, p), (1, p, p), bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(w))
        self.positional_embedding = nn.Parameter(torch.zeros((cfg.image_res // p) ** 2 + 1, w))
        self.temporal_positional_embedding = nn.Parameter(torch.zeros(1, cfg.frames, w))
        self.ln_pre = nn.LayerNorm(w)
        self.transformer = Transformer(w, cfg.vision_layers, cfg.vision_heads)
        self.ln_post = nn.LayerNorm(w)
        self.proj = nn.Parameter(torch.zeros(w, cfg.embed_dim))

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """frames [B, T, 3, H, W] (ImageNet-normalised RGB) -> unnormalised [B, D]."""
        x = self.conv1(frames.permute(0, 2, 1, 3, 4))  # [B, C, T, g, g]
        b, c, t, gh, gw = x.shape
        # Token order is patch-major, frame-minor ((n t) in the reference); attention is
        # permutation-invariant for the pooled CLS output, but keeping the order costs nothing.
        x = x.permute(0, 3, 4, 2, 1).reshape(b, gh * gw, t, c)
        x = x + self.positional_embedding[1:].reshape(1, gh * gw, 1, c)
        x = x + self.temporal_positional_embedding.reshape(1, 1, t, c)
        x = x.reshape(b, gh * gw * t, c)
        cls = (self.class_embedding + self.positional_embedding[0]).reshape(1, 1, c)
        x = torch.cat([cls.expand(b, 1, c), x], dim=1)
        x = self.transformer(self.ln_pre(x))
        return self.ln_post(x[:, 0]) @ self.proj


class ViclipText(nn.Module):
    def __init__(self, cfg: ViclipConfig):
        super().__init__()
        self.context = cfg.context
        self.token_embedding = nn.Embedding(cfg.vocab, cfg.text_width)
        self.positional_embedding = nn.Parameter(torch.zeros(cfg.context, cfg.text_width))
        self.transformer = Transformer(cfg.text_width, cfg.text_layers, cfg.text_heads)
        self.ln_final = nn.LayerNorm(cfg.text_width)
        self.text_projection = nn.Parameter(torch.zeros(cfg.text_width, cfg.embed_dim))
        # Not a parameter in the checkpoints, so a non-persistent buffer keeps the keys equal.
        mask = torch.full((cfg.context, cfg.context), float("-inf")).triu_(1)
        self.register_buffer("attn_mask", mask, persistent=False)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """input_ids [B, 32] int64 (SOT ... EOT, zero padded) -> unnormalised [B, D]."""
        x = self.token_embedding(input_ids) + self.positional_embedding
        x = self.ln_final(self.transformer(x, self.attn_mask))
        # gather rather than x[arange, eot]: exports as one GatherElements, not an index chain.
        eot = input_ids.argmax(dim=-1).reshape(-1, 1, 1).expand(-1, 1, x.shape[-1])
        pooled = x.gather(1, eot).squeeze(1)
        return pooled @ self.text_projection


class Viclip(nn.Module):
    def __init__(self, cfg: ViclipConfig):
        super().__init__()
        self.cfg = cfg
        self.vision_encoder = ViclipVision(cfg)
        self.text_encoder = ViclipText(cfg)
        # Learned temperature of the contrastive loss; present in the checkpoints, unused here.
        self.temp = nn.Parameter(torch.tensor(0.01))


class NormalizedVision(nn.Module):
    """The exported vision graph: embeddings come out L2-normalised, ready for cosine."""

    def __init__(self, tower: ViclipVision):
        super().__init__()
        self.tower = tower

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return l2_normalize(self.tower(frames))


class NormalizedText(nn.Module):
    def __init__(self, tower: ViclipText):
        super().__init__()
        self.tower = tower

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return l2_normalize(self.tower(input_ids))
