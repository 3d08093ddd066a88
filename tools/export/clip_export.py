"""Export the CLIP image tower (OpenAI layout) as image.onnx, for the aesthetic score."""
import json
import time
from pathlib import Path
from typing import Optional

import torch

from .checkpoints import CheckpointError, describe_load, load_into, read_state_dict
from .clip_image import CLIP_CONFIGS, ClipImageModel, NormalizedImage, from_hf_clip
from .layers import randomize_
from .onnx_io import build_manifest, export_graph, sha256_file, write_atomic
from .quantize import convert_precision
from .seeded import seeded_uniform

# OpenAI CLIP's transform: bicubic resize of the short side to 224, centre crop, CLIP mean/std.
IMAGE_PREPROCESSING = {
    "image": {
        "resize": "short-side", "size": 224, "interpolation": "bicubic", "crop": "center",
        "layout": "BCHW", "colorOrder": "RGB", "scale": 1 / 255,
        "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711],
    },
}


def build_clip(size: Optional[str], seed: int, checkpoint: Optional[Path]):
    if checkpoint is None:
        if size is None:
            raise CheckpointError("--random-init needs --size (tiny or l14)")
        if size not in CLIP_CONFIGS:
            raise CheckpointError(f"clip-image has no size {size!r} (expected tiny or l14)")
        model = ClipImageModel(CLIP_CONFIGS[size])
        randomize_(model, torch.Generator().manual_seed(seed))
        return model.eval(), {"source": "random-init", "seed": seed}, f"random weights, seed {seed}"
    state = from_hf_clip(read_state_dict(checkpoint))
    state = {k: v for k, v in state.items() if k.startswith("visual.")}  # drop the text side
    conv = state.get("visual.conv1.weight")
    found = [n for n, c in CLIP_CONFIGS.items()
             if conv is not None and conv.shape[0] == c.width and conv.shape[-1] == c.patch]
    if not found:
        raise CheckpointError(f"{checkpoint}: no visual.conv1.weight of a known CLIP size (tiny, l14)")
    if size is not None and size != found[0]:
        raise CheckpointError(f"{checkpoint}: holds a CLIP-{found[0]} image tower, --size says {size}")
    model = ClipImageModel(CLIP_CONFIGS[found[0]])
    missing, unexpected = load_into(model, state, str(checkpoint))
    weights = {"source": "checkpoint", "file": checkpoint.name, "sha256": sha256_file(checkpoint)}
    return model.eval(), weights, describe_load(str(checkpoint), missing, unexpected)


def export_clip_image(out_dir: Path, *, size: Optional[str], seed: int, checkpoint: Optional[Path],
                      opset: int, precision: str, model_id: Optional[str], reference: bool = False,
                      log=print) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    model, weights, line = build_clip(size, seed, checkpoint)
    log(line)
    cfg = model.cfg
    t0 = time.time()
    example = torch.from_numpy(seeded_uniform((1, 3, cfg.image_res, cfg.image_res), seed, 1.0))
    export_graph(NormalizedImage(model.visual), example, "image", out_dir / "image.onnx", opset)
    convert_precision(out_dir / "image.onnx", precision)
    log(f"exported image.onnx ({precision}, opset {opset}) in {time.time() - t0:.1f} s")
    extra = []
    if reference:
        images = seeded_uniform((2, 3, cfg.image_res, cfg.image_res), seed, 2.0)
        with torch.no_grad():
            emb = NormalizedImage(model.visual)(torch.from_numpy(images)).numpy()
        ref = {"inputs": {"image": {"shape": list(images.shape), "generator": "lowbias32-uniform",
                                    "seed": seed, "scale": 2.0}},
               "outputs": {"image": emb.tolist()}, "torch": torch.__version__,
               "model": {"size": cfg.name, "weights": weights, "image.onnx": sha256_file(out_dir / "image.onnx")}}
        write_atomic(out_dir / "reference.json", (json.dumps(ref) + "\n").encode())
        extra.append("reference.json")
    default_id = f"clip-image-{cfg.name}" + ("-random" if checkpoint is None else "")
    return build_manifest(
        out_dir, model_id=model_id or default_id, task="image-embedding",
        embedding_dim=cfg.embed_dim, graphs={"image": "image.onnx"}, extra_files=extra,
        preprocessing=IMAGE_PREPROCESSING, tokenizer={},
        architecture={"family": "clip-vit", **cfg.to_json()}, weights=weights,
        export={"tool": "tools.export", "opset": opset, "precision": precision,
                "torch": torch.__version__, "ioDtype": "float32"},
    )
