"""Build a ViCLIP model (random or from a checkpoint), export both towers, write the manifest."""
import json
import time
from pathlib import Path
from typing import Optional

import numpy as np
import torch

from .checkpoints import CheckpointError, describe_load, load_into, read_state_dict
from .onnx_io import build_manifest, export_graph, sha256_file, write_atomic
from .quantize import convert_precision
from .layers import randomize_
from .seeded import seeded_token_ids, seeded_uniform
from .viclip_model import CONFIGS, NormalizedText, NormalizedVision, Viclip, ViclipConfig

# InternVid's demo (frames2tensor): 8 frames at a uniform stride, cv2.resize straight to
# 224x224 (no aspect-preserving crop, bilinear), BGR->RGB, /255, ImageNet mean/std.
VIDEO_PREPROCESSING = {
    "video": {
        "frames": 8, "sampling": "uniform-stride", "resize": [224, 224],
        "interpolation": "bilinear", "crop": "none", "layout": "BTCHW", "colorOrder": "RGB",
        "scale": 1 / 255, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
    },
}
TOKENIZER = {
    "type": "clip-bpe", "context": 32, "merges": "bpe_simple_vocab_16e6.txt.gz",
    "sot": 49406, "eot": 49407, "pad": 0, "lowercase": True, "truncate": "keep-eot-last",
}


def detect_size(state) -> Optional[str]:
    conv = state.get("vision_encoder.conv1.weight")
    if conv is None or conv.dim() != 5:
        return None
    for name, cfg in CONFIGS.items():
        if conv.shape[0] == cfg.vision_width and conv.shape[-1] == cfg.patch:
            return name
    return None


def build_model(size: Optional[str], seed: int, checkpoint: Optional[Path]):
    """Returns (model, weights-description, log line)."""
    if checkpoint is None:
        if size is None:
            raise CheckpointError("--random-init needs --size (tiny, b16 or l14)")
        model = Viclip(CONFIGS[size])
        gen = torch.Generator().manual_seed(seed)
        randomize_(model, gen)
        return model.eval(), {"source": "random-init", "seed": seed}, f"random weights, seed {seed}"
    state = read_state_dict(checkpoint)
    detected = detect_size(state)
    if detected is None:
        raise CheckpointError(
            f"{checkpoint}: no vision_encoder.conv1.weight of a known ViCLIP size "
            f"(found {len(state)} tensors, e.g. {', '.join(sorted(state)[:5])})")
    if size is not None and size != detected:
        raise CheckpointError(f"{checkpoint}: holds a ViCLIP-{detected} checkpoint, --size says {size}")
    model = Viclip(CONFIGS[detected])
    missing, unexpected = load_into(model, state, str(checkpoint), optional=["temp"])
    weights = {"source": "checkpoint", "file": checkpoint.name, "sha256": sha256_file(checkpoint)}
    return model.eval(), weights, describe_load(str(checkpoint), missing, unexpected)


def reference_outputs(model: Viclip, seed: int, batch: int = 2) -> dict:
    """PyTorch embeddings for seeded inputs, for the Node-side ONNX comparison tests."""
    cfg: ViclipConfig = model.cfg
    frames = seeded_uniform((batch, cfg.frames, 3, cfg.image_res, cfg.image_res), seed, 2.0)
    ids = seeded_token_ids([5, 40, 0], seed, cfg.context)
    with torch.no_grad():
        video = NormalizedVision(model.vision_encoder)(torch.from_numpy(frames)).numpy()
        text = NormalizedText(model.text_encoder)(torch.from_numpy(ids)).numpy()
    cosine = video.astype(np.float64) @ text.astype(np.float64).T
    logits = 100.0 * cosine
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    return {
        "inputs": {
            "frames": {"shape": list(frames.shape), "generator": "lowbias32-uniform",
                       "seed": seed, "scale": 2.0, "head": [float(v) for v in frames.reshape(-1)[:8]]},
            "inputIds": ids.tolist(),
        },
        "outputs": {
            "video": video.tolist(), "text": text.tolist(),
            "cosine": cosine.tolist(), "softmax100": probs.tolist(),
        },
        "torch": torch.__version__,
    }


def export_viclip(out_dir: Path, *, size: Optional[str], seed: int, checkpoint: Optional[Path],
                  opset: int, precision: str, model_id: Optional[str], reference: bool,
                  log=print) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    model, weights, load_line = build_model(size, seed, checkpoint)
    log(load_line)
    cfg: ViclipConfig = model.cfg
    t0 = time.time()
    frames = torch.from_numpy(seeded_uniform((1, cfg.frames, 3, cfg.image_res, cfg.image_res), seed, 1.0))
    ids = torch.from_numpy(seeded_token_ids([7], seed, cfg.context))
    export_graph(NormalizedVision(model.vision_encoder), frames, "frames", out_dir / "vision.onnx", opset)
    export_graph(NormalizedText(model.text_encoder), ids, "input_ids", out_dir / "text.onnx", opset)
    for name in ("vision.onnx", "text.onnx"):
        convert_precision(out_dir / name, precision)
    log(f"exported vision.onnx and text.onnx ({precision}, opset {opset}) in {time.time() - t0:.1f} s")
    extra = []
    if reference:
        ref = reference_outputs(model, seed)
        ref["model"] = {"size": cfg.name, "weights": weights,
                        "vision.onnx": sha256_file(out_dir / "vision.onnx"),
                        "text.onnx": sha256_file(out_dir / "text.onnx")}
        write_atomic(out_dir / "reference.json", (json.dumps(ref) + "\n").encode())
        extra.append("reference.json")
    default_id = f"viclip-{cfg.name}" + ("-random" if checkpoint is None else "")
    return build_manifest(
        out_dir, model_id=model_id or default_id, task="video-text-similarity",
        embedding_dim=cfg.embed_dim, graphs={"vision": "vision.onnx", "text": "text.onnx"},
        extra_files=extra, preprocessing=VIDEO_PREPROCESSING, tokenizer=TOKENIZER,
        architecture={"family": "viclip", **cfg.to_json()}, weights=weights,
        export={"tool": "tools.export", "opset": opset, "precision": precision,
                "torch": torch.__version__, "ioDtype": "float32"},
    )
