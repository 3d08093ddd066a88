"""Transformer building blocks shared by ViCLIP's towers and the CLIP image tower.

Parameter names follow OpenAI CLIP (and therefore ViCLIP, which inherits them):
`attn.in_proj_weight`, `attn.out_proj.*`, `ln_1`, `mlp.c_fc`, `mlp.c_proj`, `ln_2`, so the
official state dicts load without renaming. Attention is written out by hand instead of using
nn.MultiheadAttention: the math is the same, but the exported ONNX graph is plain
MatMul/Softmax (no fused-kernel export failures under no_grad in torch 1.13) and batch-first
layout avoids the transposes CLIP needs for MHA's sequence-first convention.
"""
import math
from collections import OrderedDict
from typing import Optional

import torch
from torch import nn
import torch.nn.functional as F


class QuickGELU(nn.Module):
    """CLIP's sigmoid approximation of GELU; the checkpoints were trained with it."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class SelfAttention(nn.Module):
    """Multi-head self-attention with nn.MultiheadAttention's parameter layout."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        if width % heads != 0:
            raise ValueError(f"width {width} is not divisible by heads {heads}")
        self.heads = heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * width, width))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * width))
        self.out_proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        b, n, c = x.shape
        head_dim = c // self.heads
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
        qkv = qkv.reshape(b, n, 3, self.heads, head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        # nn.MultiheadAttention scales q before the product; same order keeps rounding identical.
        q = q * (1.0 / math.sqrt(head_dim))
        scores = q @ k.transpose(-2, -1)
        if mask is not None:
            scores = scores + mask
        out = scores.softmax(dim=-1) @ v
        out = out.permute(0, 2, 1, 3).reshape(b, n, c)
        return self.out_proj(out)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.attn = SelfAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, width * 4)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(width * 4, width)),
        ]))
        self.ln_2 = nn.LayerNorm(width)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int):
        super().__init__()
        self.width = width
        self.resblocks = nn.ModuleList([ResidualAttentionBlock(width, heads) for _ in range(layers)])

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        for block in self.resblocks:
            x = block(x, mask)
        return x


def l2_normalize(x: torch.Tensor) -> torch.Tensor:
    # Written as x / ||x|| (not F.normalize's clamp) so the exported graph is ReduceL2 + Div,
    # matching how InternVid's demo normalises (`feat /= feat.norm(dim=-1, keepdim=True)`).
    return x / x.norm(dim=-1, keepdim=True)


def randomize_(module: nn.Module, generator: torch.Generator) -> None:
    """Fill every parameter with seeded random values of a sensible scale.

    Unlike training init (zeros for biases and temporal embeddings, ones for LayerNorm), every
    tensor gets non-trivial values, so a comparison between runtimes exercises all of them.
    Parameters are visited in state-dict order, so the same seed always gives the same model.
    """
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() == 0:  # scalars such as ViCLIP's temperature do not affect outputs
                continue
            leaf = name.rsplit(".", 1)[-1]
            is_norm = ".ln_" in f".{name}" and leaf in ("weight", "bias")
            if is_norm and leaf == "weight":
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=generator))
            elif "embedding" in leaf:
                # Unit scale (training uses ~width^-0.5, temporal zeros) so that positional and
                # temporal embeddings visibly change the output and a dropped one is caught.
                p.copy_(torch.randn(p.shape, generator=generator))
            elif leaf == "bias" or is_norm:
                p.copy_(0.02 * torch.randn(p.shape, generator=generator))
            else:
                fan_in = p.shape[-1] if p.dim() >= 2 else p.shape[0]
                if p.dim() >= 4:  # conv kernels: fan-in is in_channels * kernel volume
                    fan_in = int(torch.tensor(p.shape[1:]).prod())
                p.copy_(torch.randn(p.shape, generator=generator) * fan_in ** -0.5)
