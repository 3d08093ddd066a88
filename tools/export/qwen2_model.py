"""Qwen2 causal language model (the architecture of Qwen2.5-0.5B-Instruct), written out in torch.

Parameter names follow transformers' Qwen2ForCausalLM (`model.layers.N.self_attn.q_proj`, ...).
The math mirrors its modelling code: RMSNorm (eps 1e-6, computed in float32), rotary position
embeddings with the rotate-half layout and theta 1e6, grouped-query attention (q/k/v with bias,
o_proj without), SwiGLU MLP, tied LM head.

The ONNX graph has the I/O transformers.js feeds decoder-only models: input_ids,
attention_mask [batch, past + new], position_ids, past_key_values.N.key/value
[batch, kv_heads, past, head_dim] -> logits, present.N.key/value. The mask combines causality
with the attention mask so left-padded batches work.
"""
from dataclasses import dataclass
from typing import List

import torch
from torch import nn
import torch.nn.functional as F


@dataclass(frozen=True)
class Qwen2Config:
    name: str
    vocab: int
    width: int
    layers: int
    heads: int
    kv_heads: int
    mlp: int
    rope_theta: float = 1_000_000.0
    eps: float = 1e-6
    positions: int = 32768

    @property
    def head_dim(self) -> int:
        return self.width // self.heads


# "base" is Qwen2.5-0.5B's shape except the vocabulary, which follows the tokenizer it is
# exported with (the real model has 151,936 entries; 50,259 with the GPT-2 + ChatML tokenizer).
CONFIGS = {
    "tiny": Qwen2Config("tiny", 0, 32, 2, 4, 2, 64),
    "base": Qwen2Config("base", 0, 896, 24, 14, 2, 4864),
}


class RMSNorm(nn.Module):
    def __init__(self, width: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + self.eps))


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg: Qwen2Config):
        super().__init__()
        self.cfg = cfg
        d = cfg.head_dim
        self.q_proj = nn.Linear(cfg.width, cfg.heads * d)
        self.k_proj = nn.Linear(cfg.width, cfg.kv_heads * d)
        self.v_proj = nn.Linear(cfg.width, cfg.kv_heads * d)
        self.o_proj = nn.Linear(cfg.heads * d, cfg.width, bias=False)

    def forward(self, x, cos, sin, past_k, past_v, mask):
        c = self.cfg
        b, n, _ = x.shape
        q = self.q_proj(x).reshape(b, n, c.heads, c.head_dim).transpose(1, 2)
        k = self.k_proj(x).reshape(b, n, c.kv_heads, c.head_dim).transpose(1, 2)
        v = self.v_proj(x).reshape(b, n, c.kv_heads, c.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        groups = c.heads // c.kv_heads
        # Each kv head serves `groups` query heads (repeat_kv); expand+reshape exports cleanly.
        kk = k[:, :, None].expand(-1, -1, groups, -1, -1).reshape(b, c.heads, -1, c.head_dim)
        vv = v[:, :, None].expand(-1, -1, groups, -1, -1).reshape(b, c.heads, -1, c.head_dim)
        scores = (q @ kk.transpose(-2, -1)) * (c.head_dim ** -0.5) + mask
        out = (scores.softmax(-1) @ vv).transpose(1, 2).reshape(b, n, c.heads * c.head_dim)
        return self.o_proj(out), k, v


class Layer(nn.Module):
    def __init__(self, cfg: Qwen2Config):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.width, cfg.eps)
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg.width, cfg.eps)
        self.mlp = nn.Module()
        self.mlp.gate_proj = nn.Linear(cfg.width, cfg.mlp, bias=False)
        self.mlp.up_proj = nn.Linear(cfg.width, cfg.mlp, bias=False)
        self.mlp.down_proj = nn.Linear(cfg.mlp, cfg.width, bias=False)

    def forward(self, x, cos, sin, past_k, past_v, mask):
        a, k, v = self.self_attn(self.input_layernorm(x), cos, sin, past_k, past_v, mask)
        x = x + a
        h = self.post_attention_layernorm(x)
        return x + self.mlp.down_proj(F.silu(self.mlp.gate_proj(h)) * self.mlp.up_proj(h)), k, v


class Qwen2ForCausalLM(nn.Module):
    def __init__(self, cfg: Qwen2Config):
        super().__init__()
        if cfg.vocab <= 0:
            raise ValueError("Qwen2Config.vocab must be set from the tokenizer")
        self.cfg = cfg
        self.model = nn.Module()
        self.model.embed_tokens = nn.Embedding(cfg.vocab, cfg.width)
        self.model.layers = nn.ModuleList([Layer(cfg) for _ in range(cfg.layers)])
        self.model.norm = RMSNorm(cfg.width, cfg.eps)
        inv = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.float32) / cfg.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, *past) -> List[torch.Tensor]:
        x = self.model.embed_tokens(input_ids)
        freqs = position_ids[:, :, None].to(torch.float32) * self.inv_freq[None, None, :]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        # Key j is visible to query i when j <= i's absolute index and attention_mask[b, j] == 1.
        total = attention_mask.shape[1]
        k_idx = torch.cumsum(torch.ones_like(attention_mask[0]), dim=0) - 1
        q_idx = k_idx[total - input_ids.shape[1]:]
        visible = (k_idx[None, None, None, :] <= q_idx[None, None, :, None]) & (attention_mask[:, None, None, :] > 0)
        mask = (~visible).to(x.dtype) * torch.finfo(x.dtype).min
        presents: List[torch.Tensor] = []
        for i, layer in enumerate(self.model.layers):
            x, k, v = layer(x, cos, sin, past[2 * i], past[2 * i + 1], mask)
            presents += [k, v]
        logits = self.model.norm(x) @ self.model.embed_tokens.weight.t()
        return [logits] + presents

    def empty_past(self, batch: int) -> List[torch.Tensor]:
        c = self.cfg
        return [torch.zeros(batch, c.kv_heads, 0, c.head_dim) for _ in range(2 * c.layers)]

    @torch.no_grad()
    def greedy(self, prompt_ids: List[int], eos: List[int], max_new: int) -> List[int]:
        """Reference greedy decoding of one prompt with the KV cache."""
        ids = torch.tensor([prompt_ids], dtype=torch.long)
        past = self.empty_past(1)
        total = len(prompt_ids)
        pos = torch.arange(total)[None]
        out: List[int] = []
        for _ in range(max_new):
            res = self.forward(ids, torch.ones(1, total, dtype=torch.long), pos, *past)
            nxt = int(res[0][0, -1].argmax())
            past = res[1:]
            out.append(nxt)
            if nxt in eos:
                break
            ids = torch.tensor([[nxt]])
            pos = torch.tensor([[total]])
            total += 1
        return out
