"""torch -> ONNX export, hashing and the manifest written next to the graphs."""
import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Dict, List, Sequence

import onnx
import torch
from torch import nn

MANIFEST_SCHEMA = 1
# ONNX element types by the names onnxruntime's JS API reports (`Tensor.Type`).
_ORT_TYPE_NAMES = {1: "float32", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 9: "bool", 10: "float16"}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_graph(module: nn.Module, example: torch.Tensor, input_name: str, path: Path,
                 opset: int) -> None:
    """Export with a dynamic batch axis; fails loudly if the checker rejects the graph."""
    module.eval()
    # no_grad is safe here because layers.SelfAttention is plain ops (the torch 1.13 failure in
    # STACK_NOTES is nn.MultiheadAttention's fused path), and it matters: tracing with grad keeps
    # every attention map alive, 17.6 GB peak for ViCLIP-L/14 (8 x 256 + 1 tokens) on this machine.
    with warnings.catch_warnings(), torch.no_grad():
        # The tracer warns about Python-int shape arithmetic, which is fine for fixed T/H/W.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(
            module, (example,), str(path),
            input_names=[input_name], output_names=["embedding"],
            dynamic_axes={input_name: {0: "batch"}, "embedding": {0: "batch"}},
            opset_version=opset, do_constant_folding=True,
        )
    onnx.checker.check_model(str(path))


def graph_spec(path: Path) -> Dict[str, List[dict]]:
    """Read the I/O names, dtypes and shapes back from the saved file (the source of truth)."""
    model = onnx.load(str(path), load_external_data=False)

    def values(vis) -> List[dict]:
        out = []
        for vi in vis:
            t = vi.type.tensor_type
            dims = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
            out.append({"name": vi.name,
                        "dtype": _ORT_TYPE_NAMES.get(t.elem_type, f"onnx-type-{t.elem_type}"),
                        "shape": dims})
        return out

    inits = {i.name for i in model.graph.initializer}
    return {"inputs": values([i for i in model.graph.input if i.name not in inits]),
            "outputs": values(model.graph.output)}


def write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)  # mkstemp creates 0600; the manifest is not secret
    os.replace(tmp, path)


def build_manifest(out_dir: Path, *, model_id: str, task: str, embedding_dim: int,
                   graphs: Dict[str, str], extra_files: Sequence[str], preprocessing: dict,
                   tokenizer: dict, architecture: dict, weights: dict, export: dict) -> dict:
    files = []
    for name in list(graphs.values()) + list(extra_files):
        p = out_dir / name
        files.append({"name": name, "sha256": sha256_file(p), "bytes": p.stat().st_size})
    # The revision names the exact bytes: a re-export with other weights or settings gets a
    # new revision, so stored scores can say which model produced them.
    digest = hashlib.sha256("\n".join(f"{f['name']}:{f['sha256']}" for f in files).encode()).hexdigest()
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "id": model_id,
        "revision": f"sha256-{digest[:16]}",
        "task": task,
        "embeddingDim": embedding_dim,
        "graphs": {role: {"file": f, **graph_spec(out_dir / f)} for role, f in graphs.items()},
        "files": files,
        "preprocessing": preprocessing,
        "architecture": architecture,
        "weights": weights,
        "export": export,
    }
    if tokenizer:
        manifest["tokenizer"] = tokenizer
    write_atomic(out_dir / "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode())
    return manifest
