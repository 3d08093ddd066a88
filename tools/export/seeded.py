"""Seeded test inputs that Node can regenerate bit-for-bit without shipping megabytes.

Value i of a tensor is lowbias32(i + seed * 0x9E3779B9 mod 2^32) mapped to [-scale, scale).
The hash is pure 32-bit integer arithmetic (Math.imul in JS), then one float64 multiply-add
rounded to float32, so both languages produce identical bits.
"""
import numpy as np

SOT, EOT = 49406, 49407


def lowbias32(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.uint32)
    x ^= x >> np.uint32(16)
    x = (x * np.uint32(0x7FEB352D)).astype(np.uint32)
    x ^= x >> np.uint32(15)
    x = (x * np.uint32(0x846CA68B)).astype(np.uint32)
    x ^= x >> np.uint32(16)
    return x


def seeded_uniform(shape, seed: int, scale: float) -> np.ndarray:
    n = int(np.prod(shape))
    offset = (seed * 0x9E3779B9) & 0xFFFFFFFF
    idx = (np.arange(n, dtype=np.uint64) + np.uint64(offset)) & np.uint64(0xFFFFFFFF)
    u = lowbias32(idx).astype(np.float64) / 4294967296.0
    return ((u * 2.0 - 1.0) * scale).astype(np.float32).reshape(shape)


def seeded_token_ids(lengths, seed: int, context: int = 32) -> np.ndarray:
    """Rows shaped like the CLIP tokenizer's output: SOT, ids, EOT, zero padding.

    A length above the context is truncated with EOT forced last, as the reference does.
    """
    rows = np.zeros((len(lengths), context), dtype=np.int64)
    raw = lowbias32(np.arange(len(lengths) * context, dtype=np.uint64) + np.uint64(seed * 7919))
    for r, n in enumerate(lengths):
        body = [int(v) % 49000 + 1 for v in raw[r * context:(r + 1) * context][:max(n, 0)]]
        toks = ([SOT] + body + [EOT])[:context]
        toks[-1] = EOT
        rows[r, :len(toks)] = toks
    return rows
