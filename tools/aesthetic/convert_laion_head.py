#!/usr/bin/python3
"""Convert a LAION aesthetic-predictor head (.pth state dict) to ONNX.

Supported checkpoints (detected from the state-dict keys):
  v2  sac+logos+ava1-l14-linearMSE.pth (christophschuhmann/improved-aesthetic-predictor):
      layers.0/2/4/6/7 = Linear 768→1024→128→64→16→1 with Dropout between the first four and
      no activations, so at inference it is one affine map (kept layer by layer for fidelity).
  v1  sa_0_4_vit_l_14_linear.pth (LAION-AI/aesthetic-predictor): a single Linear 768→1.

ONNX graph: input `embedding` float32 [batch, 768] (an L2-normalised OpenAI CLIP ViT-L/14 image
embedding; the app normalises before calling), output `score` float32 [batch]; dynamic batch.

Usage: /usr/bin/python3 tools/aesthetic/convert_laion_head.py IN.pth OUT.onnx [--opset 17]
       [--check EMB.npy ...]   (prints PyTorch scores of the given .npy embeddings)
"""
import argparse
import sys

import numpy as np
import torch
from torch import nn

EMBED_DIM = 768


class AestheticHead(nn.Module):
    def __init__(self, body: nn.Module):
        super().__init__()
        self.body = body

    def forward(self, embedding):
        return self.body(embedding).squeeze(-1)


def build(state: dict) -> tuple[str, nn.Module]:
    keys = set(state)
    if {"weight", "bias"} == keys:
        body = nn.Linear(EMBED_DIM, 1)
        body.load_state_dict(state)
        return "v1", body
    v2_keys = {"layers.%d.%s" % (i, p) for i in (0, 2, 4, 6, 7) for p in ("weight", "bias")}
    if keys == v2_keys:
        layers = nn.Sequential(
            nn.Linear(EMBED_DIM, 1024), nn.Dropout(0.2),
            nn.Linear(1024, 128), nn.Dropout(0.2),
            nn.Linear(128, 64), nn.Dropout(0.1),
            nn.Linear(64, 16), nn.Linear(16, 1),
        )
        body = nn.Module()
        body.layers = layers
        body.load_state_dict(state)
        return "v2", layers
    raise SystemExit("unrecognised aesthetic head: state-dict keys %s" % sorted(keys))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--check", nargs="*", default=[])
    args = ap.parse_args()

    try:
        state = torch.load(args.src, map_location="cpu")  # the v2 file was saved from CUDA
    except Exception as err:  # noqa: BLE001 - report which file failed and why
        raise SystemExit("cannot load %s: %s" % (args.src, err))
    if not isinstance(state, dict):
        raise SystemExit("%s: expected a state dict, got %s" % (args.src, type(state).__name__))
    variant, body = build(state)
    model = AestheticHead(body).eval()

    dummy = torch.randn(2, EMBED_DIM)
    torch.onnx.export(
        model, (dummy,), args.dst,
        input_names=["embedding"], output_names=["score"],
        dynamic_axes={"embedding": {0: "batch"}, "score": {0: "batch"}},
        opset_version=args.opset, do_constant_folding=True,
    )
    print("%s head %s -> %s (opset %d)" % (variant, args.src, args.dst, args.opset))
    with torch.no_grad():
        for path in args.check:
            emb = torch.from_numpy(np.load(path).astype(np.float32)).reshape(-1, EMBED_DIM)
            emb = emb / emb.norm(dim=-1, keepdim=True)
            print("%s\t%.6f" % (path, model(emb)[0].item()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
