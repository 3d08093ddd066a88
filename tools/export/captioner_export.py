"""Export the captioning models (vit-gpt2 image captioner, Qwen2 summariser) in transformers.js layout.

Only random-init is offered: users install the published ONNX folders (Xenova/vit-gpt2-image-
captioning, onnx-community/Qwen2.5-0.5B-Instruct) through the model manager; these exports give
tests and benchmarks the same on-disk format and architecture with seeded weights, plus a
PyTorch reference (greedy tokens, first-step logits) that the Node side must reproduce.
"""
import json
import time
import warnings
from pathlib import Path
from typing import Dict, List

import torch

from .hf_layout import (add_chatml, copy_files, finish_folder, qwen2_config, read_json,
                        vit_gpt2_config, write_json)
from .layers import randomize_
from .onnx_io import write_atomic
from .qwen2_model import CONFIGS as QWEN_CONFIGS, Qwen2Config, Qwen2ForCausalLM
from .seeded import lowbias32, seeded_uniform
from .vit_gpt2_model import CONFIGS as VIT_GPT2_CONFIGS, VitGpt2

import numpy as np

VIT_GPT2_TEMPLATE_FILES = ["generation_config.json", "preprocessor_config.json", "tokenizer.json",
                           "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"]
REFERENCE_NEW_TOKENS = 12


def _randomize(model: torch.nn.Module, seed: int) -> None:
    randomize_(model, torch.Generator().manual_seed(seed))
    # randomize_ knows CLIP's norm names; give every other norm weight a scale near 1 so the
    # activations keep a sensible range through deep random stacks.
    with torch.no_grad():
        for name, p in model.named_parameters():
            g = torch.Generator().manual_seed(seed + len(name))
            if name.endswith("weight") and p.dim() == 1 and "norm" in name:
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith(("wte.weight", "wpe.weight", "embed_tokens.weight")):
                # Small embeddings (std 0.05, GPT-2 trains from 0.02) keep the tied LM head from
                # echoing the input token, so greedy output varies with the image and the step.
                p.copy_(0.05 * torch.randn(p.shape, generator=g))


def _export(module, args, path: Path, inputs: List[str], outputs: List[str], axes: Dict, opset: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Traced with gradients on: torch 1.13 export of these hand-written layers is fine either
    # way, and this keeps the STACK_NOTES rule (export outside no_grad) uniform.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs,
                          dynamic_axes=axes, opset_version=opset, do_constant_folding=True)


def seeded_ids(n: int, seed: int, vocab: int) -> List[int]:
    raw = lowbias32(np.arange(n, dtype=np.uint64) + np.uint64(seed * 7919))
    return [int(v) % vocab for v in raw]


def export_vit_gpt2(out: Path, *, size: str, seed: int, template: Path, model_id: str,
                    opset: int, reference: bool, log) -> dict:
    cfg = VIT_GPT2_CONFIGS[size]
    out.mkdir(parents=True, exist_ok=True)
    copy_files(template, out, VIT_GPT2_TEMPLATE_FILES)
    write_json(out / "config.json", vit_gpt2_config(read_json(template / "config.json"), cfg))
    model = VitGpt2(cfg).eval()
    _randomize(model, seed)
    t0 = time.time()
    px = torch.from_numpy(seeded_uniform((2, 3, cfg.image_size, cfg.image_size), seed, 1.0))
    _export(model.encoder, (px,), out / "onnx/encoder_model.onnx", ["pixel_values"], ["last_hidden_state"],
            {"pixel_values": {0: "batch_size"}, "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}}, opset)
    n_layers, heads, hd = cfg.dec_layers, cfg.dec_heads, cfg.dec_width // cfg.dec_heads
    past_names = [f"past_key_values.{i}.{kv}" for i in range(n_layers) for kv in ("key", "value")]
    present_names = [n.replace("past_key_values", "present") for n in past_names]
    with torch.no_grad():
        enc = model.encoder(px)
    past = [torch.randn(2, heads, 3, hd) for _ in past_names]
    ids = torch.tensor([[50256, 11], [50256, 12]])
    axes = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
            "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
            "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    axes.update({n: {0: "batch_size", 2: "past_decoder_sequence_length"} for n in past_names})
    axes.update({n: {0: "batch_size", 2: "past_decoder_sequence_length + 1"} for n in present_names})
    _export(model.decoder, (ids, enc, *past), out / "onnx/decoder_model_merged.onnx",
            ["input_ids", "encoder_hidden_states", *past_names], ["logits", *present_names], axes, opset)
    log(f"exported vit-gpt2 {size} in {time.time() - t0:.1f}s")
    extra = VIT_GPT2_TEMPLATE_FILES + ["config.json"]
    if reference:
        gen = read_json(out / "generation_config.json")
        tokens = model.greedy(px, gen["decoder_start_token_id"], gen["eos_token_id"], REFERENCE_NEW_TOKENS)
        with torch.no_grad():
            first = model.decoder(torch.full((2, 1), gen["decoder_start_token_id"]), model.encoder(px), *model.empty_past(2))[0]
        ref = {"pixelSeed": seed, "pixelShape": list(px.shape), "maxNewTokens": REFERENCE_NEW_TOKENS,
               "tokens": tokens, "firstLogits": first[:, -1, :64].tolist()}
        write_atomic(out / "reference.json", (json.dumps(ref) + "\n").encode())
    return finish_folder(out, model_id=model_id or f"vit-gpt2-{size}-random-{seed}", task="image-to-text",
                         graphs={"encoder": "onnx/encoder_model.onnx", "decoder": "onnx/decoder_model_merged.onnx"},
                         extra_files=extra, architecture={"family": "vit-gpt2", "size": size, **cfg.__dict__},
                         weights={"source": "random-init", "seed": seed}, opset=opset)


def export_qwen2(out: Path, *, size: str, seed: int, tokenizer_dir: Path, model_id: str,
                 opset: int, reference: bool, log) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    ids = add_chatml(tokenizer_dir, out)
    base = QWEN_CONFIGS[size]
    cfg = Qwen2Config(**{**base.__dict__, "vocab": ids["vocab_size"]})
    write_json(out / "config.json", qwen2_config(cfg, ids))
    eos = [ids["<|im_end|>"], ids["<|endoftext|>"]]
    write_json(out / "generation_config.json", {"bos_token_id": ids["<|endoftext|>"], "eos_token_id": eos,
                                                "pad_token_id": ids["<|endoftext|>"], "do_sample": False})
    model = Qwen2ForCausalLM(cfg).eval()
    _randomize(model, seed)
    t0 = time.time()
    layers = cfg.layers
    past_names = [f"past_key_values.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    present_names = [n.replace("past_key_values", "present") for n in past_names]
    past = [torch.randn(1, cfg.kv_heads, 3, cfg.head_dim) for _ in past_names]
    input_ids = torch.tensor([[11, 12]])
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"}}
    axes.update({n: {0: "batch_size", 2: "past_sequence_length"} for n in past_names})
    axes.update({n: {0: "batch_size", 2: "total_sequence_length"} for n in present_names})
    _export(model, (input_ids, torch.ones(1, 5, dtype=torch.long), torch.tensor([[3, 4]]), *past),
            out / "onnx/model.onnx", ["input_ids", "attention_mask", "position_ids", *past_names],
            ["logits", *present_names], axes, opset)
    log(f"exported qwen2 {size} in {time.time() - t0:.1f}s")
    extra = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"]
    if reference:
        prompt = seeded_ids(20, seed, ids["vocab_size"])
        tokens = model.greedy(prompt, eos, REFERENCE_NEW_TOKENS)
        with torch.no_grad():
            first = model(torch.tensor([prompt]), torch.ones(1, len(prompt), dtype=torch.long),
                          torch.arange(len(prompt))[None], *model.empty_past(1))[0]
        ref = {"promptIds": prompt, "maxNewTokens": REFERENCE_NEW_TOKENS, "eos": eos, "tokens": tokens,
               "firstLogits": first[0, -1, :64].tolist()}
        write_atomic(out / "reference.json", (json.dumps(ref) + "\n").encode())
    return finish_folder(out, model_id=model_id or f"qwen2-{size}-random-{seed}", task="text-generation",
                         graphs={"model": "onnx/model.onnx"}, extra_files=extra,
                         architecture={"family": "qwen2", **cfg.__dict__},
                         weights={"source": "random-init", "seed": seed}, opset=opset)
