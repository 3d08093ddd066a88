"""ViT encoder + GPT-2 decoder with cross-attention: the architecture of vit-gpt2 image captioning.

Parameter names follow Hugging Face's VisionEncoderDecoderModel(ViTModel, GPT2LMHeadModel)
state dict (`encoder.encoder.layer.N.attention.attention.query`, `decoder.transformer.h.N.
crossattention.q_attn`, ...), so a published checkpoint would load without renaming. GPT-2 uses
Conv1D (x @ W with W stored [in, out]); it is kept as a plain parameter matmul for the same
reason. The math mirrors transformers' modelling code: ViT pre-LayerNorm blocks with exact
(erf) GELU and eps 1e-12; GPT-2 blocks with gelu_new (tanh) and eps 1e-5, attention scaled by
1/sqrt(head_dim), tied LM head.

The decoder is exported as one graph that takes the self-attention cache as input (length 0 on
the first step), which is what transformers.js feeds to `decoder_model_merged.onnx`; position
ids are computed inside from the cache length, as GPT-2 does when none are given.
"""
import math
from dataclasses import dataclass
from typing import List, Tuple

import torch
from torch import nn
import torch.nn.functional as F


@dataclass(frozen=True)
class VitGpt2Config:
    name: str
    image_size: int
    patch: int
    enc_width: int
    enc_layers: int
    enc_heads: int
    enc_mlp: int
    dec_width: int
    dec_layers: int
    dec_heads: int
    vocab: int
    positions: int


# "base" is nlpconnect/vit-gpt2-image-captioning's shape (ViT-B/16 + GPT-2 124M).
CONFIGS = {
    "tiny": VitGpt2Config("tiny", 224, 32, 32, 2, 2, 64, 32, 2, 2, 50257, 64),
    "base": VitGpt2Config("base", 224, 16, 768, 12, 12, 3072, 768, 12, 12, 50257, 1024),
}


class Conv1D(nn.Module):
    """GPT-2's linear layer: weight stored [in, out]."""

    def __init__(self, n_in: int, n_out: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weight + self.bias


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    b, n, c = x.shape
    return x.reshape(b, n, heads, c // heads).permute(0, 2, 1, 3)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    b, h, n, d = x.shape
    return x.permute(0, 2, 1, 3).reshape(b, n, h * d)


class VitSelfAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(width, width)
        self.key = nn.Linear(width, width)
        self.value = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = (split_heads(f(x), self.heads) for f in (self.query, self.key, self.value))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
        return merge_heads(scores.softmax(-1) @ v)


class VitLayer(nn.Module):
    def __init__(self, cfg: VitGpt2Config):
        super().__init__()
        w = cfg.enc_width
        self.attention = nn.Module()
        self.attention.attention = VitSelfAttention(w, cfg.enc_heads)
        self.attention.output = nn.Module()
        self.attention.output.dense = nn.Linear(w, w)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(w, cfg.enc_mlp)
        self.output = nn.Module()
        self.output.dense = nn.Linear(cfg.enc_mlp, w)
        self.layernorm_before = nn.LayerNorm(w, eps=1e-12)
        self.layernorm_after = nn.LayerNorm(w, eps=1e-12)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention.output.dense(self.attention.attention(self.layernorm_before(x)))
        return x + self.output.dense(F.gelu(self.intermediate.dense(self.layernorm_after(x))))


class VitEncoder(nn.Module):
    """ViTModel without the pooler: pixel_values [B,3,H,W] -> last_hidden_state [B,1+N,C]."""

    def __init__(self, cfg: VitGpt2Config):
        super().__init__()
        n = (cfg.image_size // cfg.patch) ** 2
        self.embeddings = nn.Module()
        self.embeddings.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.enc_width))
        self.embeddings.position_embeddings = nn.Parameter(torch.zeros(1, n + 1, cfg.enc_width))
        self.embeddings.patch_embeddings = nn.Module()
        self.embeddings.patch_embeddings.projection = nn.Conv2d(3, cfg.enc_width, cfg.patch, cfg.patch)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList([VitLayer(cfg) for _ in range(cfg.enc_layers)])
        self.layernorm = nn.LayerNorm(cfg.enc_width, eps=1e-12)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        e = self.embeddings
        x = e.patch_embeddings.projection(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([e.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + e.position_embeddings
        for layer in self.encoder.layer:
            x = layer(x)
        return self.layernorm(x)


class Gpt2Block(nn.Module):
    def __init__(self, cfg: VitGpt2Config):
        super().__init__()
        w, self.heads = cfg.dec_width, cfg.dec_heads
        self.ln_1 = nn.LayerNorm(w, eps=1e-5)
        self.attn = nn.Module()
        self.attn.c_attn = Conv1D(w, 3 * w)
        self.attn.c_proj = Conv1D(w, w)
        self.ln_cross_attn = nn.LayerNorm(w, eps=1e-5)
        self.crossattention = nn.Module()
        self.crossattention.q_attn = Conv1D(w, w)
        self.crossattention.c_attn = Conv1D(cfg.enc_width, 2 * w)
        self.crossattention.c_proj = Conv1D(w, w)
        self.ln_2 = nn.LayerNorm(w, eps=1e-5)
        self.mlp = nn.Module()
        self.mlp.c_fc = Conv1D(w, 4 * w)
        self.mlp.c_proj = Conv1D(4 * w, w)

    def forward(self, x, enc, past_k, past_v, mask) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        q, k, v = self.attn.c_attn(self.ln_1(x)).chunk(3, dim=-1)
        q, k, v = (split_heads(t, self.heads) for t in (q, k, v))
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1]) + mask
        x = x + self.attn.c_proj(merge_heads(scores.softmax(-1) @ v))
        cq = split_heads(self.crossattention.q_attn(self.ln_cross_attn(x)), self.heads)
        ck, cv = (split_heads(t, self.heads) for t in self.crossattention.c_attn(enc).chunk(2, dim=-1))
        cross = ((cq @ ck.transpose(-2, -1)) / math.sqrt(cq.shape[-1])).softmax(-1) @ cv
        x = x + self.crossattention.c_proj(merge_heads(cross))
        h = self.mlp.c_fc(self.ln_2(x))
        h = 0.5 * h * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (h + 0.044715 * torch.pow(h, 3.0))))
        return x + self.mlp.c_proj(h), k, v


class Gpt2Decoder(nn.Module):
    """GPT2LMHeadModel with cross-attention; forward(input_ids, encoder_hidden_states, *past)."""

    def __init__(self, cfg: VitGpt2Config):
        super().__init__()
        self.cfg = cfg
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(cfg.vocab, cfg.dec_width)
        self.transformer.wpe = nn.Embedding(cfg.positions, cfg.dec_width)
        self.transformer.h = nn.ModuleList([Gpt2Block(cfg) for _ in range(cfg.dec_layers)])
        self.transformer.ln_f = nn.LayerNorm(cfg.dec_width, eps=1e-5)

    def forward(self, input_ids: torch.Tensor, enc: torch.Tensor, *past: torch.Tensor) -> List[torch.Tensor]:
        t = self.transformer
        past_len = past[0].shape[2]
        # Positions past_len .. past_len+n-1, built from shapes so the graph stays dynamic.
        pos = torch.cumsum(torch.ones_like(input_ids), dim=1) - 1 + past_len
        x = t.wte(input_ids) + t.wpe(pos)
        # Causal mask over [past + new] keys: query i (absolute past_len+i) sees keys <= it.
        # (A cat of the cache's and the input's time axes has exactly past_len + n entries.)
        k_idx = torch.cumsum(torch.ones_like(torch.cat([past[0][0, 0, :, 0], x[0, :, 0]])), dim=0) - 1
        q_idx = pos[0].to(x.dtype)
        mask = (k_idx[None, :] > q_idx[:, None]).to(x.dtype) * torch.finfo(x.dtype).min
        presents: List[torch.Tensor] = []
        for i, block in enumerate(t.h):
            x, k, v = block(x, enc, past[2 * i], past[2 * i + 1], mask)
            presents += [k, v]
        logits = t.ln_f(x) @ t.wte.weight.t()
        return [logits] + presents


class VitGpt2(nn.Module):
    def __init__(self, cfg: VitGpt2Config):
        super().__init__()
        self.cfg = cfg
        self.encoder = VitEncoder(cfg)
        self.decoder = Gpt2Decoder(cfg)

    def empty_past(self, batch: int) -> List[torch.Tensor]:
        c = self.cfg
        return [torch.zeros(batch, c.dec_heads, 0, c.dec_width // c.dec_heads) for _ in range(2 * c.dec_layers)]

    @torch.no_grad()
    def greedy(self, pixel_values: torch.Tensor, start: int, eos: int, max_new: int) -> List[List[int]]:
        """Reference greedy decoding with the KV cache, as `generate(num_beams=1)` does."""
        enc = self.encoder(pixel_values)
        b = pixel_values.shape[0]
        ids = torch.full((b, 1), start, dtype=torch.long)
        past = self.empty_past(b)
        out: List[List[int]] = [[] for _ in range(b)]
        finished = [False] * b
        for _ in range(max_new):
            res = self.decoder(ids, enc, *past)
            nxt = res[0][:, -1, :].argmax(-1)
            past = res[1:]
            for j in range(b):
                if not finished[j]:
                    out[j].append(int(nxt[j]))
                    finished[j] = int(nxt[j]) == eos
            if all(finished):
                break
            ids = nxt[:, None]
        return out
