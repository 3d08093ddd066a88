"""Files of a Hugging Face model folder as transformers.js reads it offline.

Layout (what Xenova/onnx-community repos publish): config.json, generation_config.json,
tokenizer.json + tokenizer_config.json (+ vocab/merges), preprocessor_config.json for image
models, and onnx/<session>.onnx. A manifest.json (schema 1, task + file hashes) is written last
so vicurate's model store can verify the folder like any other model.
"""
import copy
import json
import shutil
from pathlib import Path
from typing import Dict, List

from .onnx_io import build_manifest, write_atomic

# ChatML as Qwen2.5-Instruct's template renders it without tools; a real Qwen tokenizer folder
# brings its own template and this one is not used.
CHATML_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{%- endif %}"
    "{%- for message in messages %}"
    "{%- if not (message.role == 'system' and loop.first) %}"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}"
    "{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)
CHATML_TOKENS = ["<|im_start|>", "<|im_end|>"]


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise ValueError(f"{path}: missing (the template folder must hold it)") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON ({e})") from None


def write_json(path: Path, obj: dict) -> None:
    write_atomic(path, (json.dumps(obj, indent=2) + "\n").encode())


def copy_files(src: Path, out: Path, names: List[str]) -> None:
    for name in names:
        if not (src / name).is_file():
            raise ValueError(f"{src / name}: missing (the template folder must hold it)")
        shutil.copyfile(src / name, out / name)


def add_chatml(tokenizer_dir: Path, out: Path) -> Dict[str, int]:
    """Copy a byte-level BPE tokenizer, adding ChatML's special tokens if it lacks them.

    Returns the ids of every special token the config files need.
    """
    tok = read_json(tokenizer_dir / "tokenizer.json")
    vocab = tok["model"]["vocab"]
    added = {t["content"]: t["id"] for t in tok.get("added_tokens", [])}
    next_id = max(list(vocab.values()) + list(added.values())) + 1
    for content in CHATML_TOKENS:
        if content not in added:
            tok.setdefault("added_tokens", []).append({
                "id": next_id, "content": content, "single_word": False, "lstrip": False,
                "rstrip": False, "normalized": False, "special": True})
            added[content] = next_id
            next_id += 1
    write_json(out / "tokenizer.json", tok)
    cfg = read_json(tokenizer_dir / "tokenizer_config.json")
    cfg = {k: v for k, v in cfg.items() if k not in ("added_tokens_decoder",)}
    cfg.setdefault("chat_template", CHATML_TEMPLATE)
    cfg.update({"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "model_max_length": 32768,
                "padding_side": "left", "add_bos_token": False})
    write_json(out / "tokenizer_config.json", cfg)
    ids = dict(added)
    ids["vocab_size"] = next_id
    ids["<|endoftext|>"] = added.get("<|endoftext|>", vocab.get("<|endoftext|>"))
    return ids


def vit_gpt2_config(template: dict, cfg) -> dict:
    """The published VisionEncoderDecoder config with the encoder/decoder sizes replaced."""
    out = copy.deepcopy(template)
    enc, dec = out["encoder"], out["decoder"]
    enc.update({"hidden_size": cfg.enc_width, "num_hidden_layers": cfg.enc_layers,
                "num_attention_heads": cfg.enc_heads, "intermediate_size": cfg.enc_mlp,
                "image_size": cfg.image_size, "patch_size": cfg.patch, "hidden_act": "gelu",
                "layer_norm_eps": 1e-12, "qkv_bias": True})
    dec.update({"n_embd": cfg.dec_width, "n_layer": cfg.dec_layers, "n_head": cfg.dec_heads,
                "n_positions": cfg.positions, "n_ctx": cfg.positions, "vocab_size": cfg.vocab,
                "activation_function": "gelu_new", "add_cross_attention": True})
    return out


def qwen2_config(cfg, ids: Dict[str, int]) -> dict:
    return {
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2",
        "vocab_size": ids["vocab_size"], "hidden_size": cfg.width,
        "intermediate_size": cfg.mlp, "num_hidden_layers": cfg.layers,
        "num_attention_heads": cfg.heads, "num_key_value_heads": cfg.kv_heads,
        "head_dim": cfg.head_dim, "hidden_act": "silu", "max_position_embeddings": cfg.positions,
        "rms_norm_eps": cfg.eps, "rope_theta": cfg.rope_theta, "tie_word_embeddings": True,
        "bos_token_id": ids["<|endoftext|>"], "eos_token_id": ids["<|im_end|>"],
        "use_cache": True, "torch_dtype": "float32",
    }


def finish_folder(out: Path, *, model_id: str, task: str, graphs: Dict[str, str],
                  extra_files: List[str], architecture: dict, weights: dict, opset: int) -> dict:
    """manifest.json over every file in the folder (graphs under onnx/)."""
    return build_manifest(
        out, model_id=model_id, task=task, embedding_dim=0, graphs=graphs,
        extra_files=extra_files, preprocessing={}, tokenizer={}, architecture=architecture,
        weights=weights, export={"opset": opset, "precision": "fp32", "ioDtype": "float32",
                                 "layout": "transformers.js"})
