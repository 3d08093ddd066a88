"""CLI: /usr/bin/python3 -m tools.export {viclip,clip-image,reference,vit-gpt2,qwen2} ..."""
import argparse
import json
import sys
from pathlib import Path

from .checkpoints import CheckpointError
from .quantize import PRECISIONS
from .safetensors_reader import SafetensorsError


def _add_model_args(p: argparse.ArgumentParser, sizes) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", type=Path, help=".pth / .pt / .safetensors with official key names")
    src.add_argument("--random-init", action="store_true", help="real architecture, seeded random weights")
    p.add_argument("--size", choices=sizes, help="required with --random-init; checked against a checkpoint")
    p.add_argument("--seed", type=int, default=0)


def _add_export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True, help="output folder (created)")
    p.add_argument("--opset", type=int, default=17, choices=[14, 15, 16, 17])
    p.add_argument("--precision", choices=PRECISIONS, default="fp32")
    p.add_argument("--fp16", dest="precision", action="store_const", const="fp16",
                   help="store weights as float16 (I/O and arithmetic stay float32)")
    p.add_argument("--int8", dest="precision", action="store_const", const="int8",
                   help="dynamic int8 quantisation of the weight MatMuls")
    p.add_argument("--id", dest="model_id", help="model id for the manifest")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tools.export", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    v = sub.add_parser("viclip", help="export ViCLIP vision.onnx + text.onnx + manifest.json")
    _add_model_args(v, ["tiny", "b16", "l14"])
    _add_export_args(v)
    v.add_argument("--reference", action="store_true",
                   help="also write reference.json: PyTorch outputs for seeded inputs")

    c = sub.add_parser("clip-image", help="export the CLIP image tower as image.onnx + manifest.json")
    _add_model_args(c, ["tiny", "l14"])
    _add_export_args(c)
    c.add_argument("--reference", action="store_true",
                   help="also write reference.json: PyTorch outputs for seeded inputs")

    r = sub.add_parser("reference", help="PyTorch ViCLIP outputs for seeded inputs, as JSON")
    _add_model_args(r, ["tiny", "b16", "l14"])
    r.add_argument("--out", type=Path, required=True, help="JSON file to write")

    g = sub.add_parser("vit-gpt2", help="random-init vit-gpt2 captioner in transformers.js layout")
    g.add_argument("--size", choices=["tiny", "base"], required=True)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--template", type=Path, required=True,
                   help="folder with the published config.json, tokenizer and preprocessor files")
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--opset", type=int, default=17, choices=[14, 15, 16, 17])
    g.add_argument("--id", dest="model_id")
    g.add_argument("--reference", action="store_true", help="also write reference.json (PyTorch greedy tokens)")

    q = sub.add_parser("qwen2", help="random-init Qwen2 summariser in transformers.js layout")
    q.add_argument("--size", choices=["tiny", "base"], required=True)
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--tokenizer", type=Path, required=True,
                   help="byte-level BPE tokenizer folder (tokenizer.json, tokenizer_config.json); ChatML tokens are added if missing")
    q.add_argument("--out", type=Path, required=True)
    q.add_argument("--opset", type=int, default=17, choices=[14, 15, 16, 17])
    q.add_argument("--id", dest="model_id")
    q.add_argument("--reference", action="store_true", help="also write reference.json (PyTorch greedy tokens)")

    args = parser.parse_args(argv)
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731 - stdout is kept for the manifest
    try:
        if args.command == "viclip":
            from .viclip_export import export_viclip
            manifest = export_viclip(args.out, size=args.size, seed=args.seed, checkpoint=args.checkpoint,
                                     opset=args.opset, precision=args.precision,
                                     model_id=args.model_id, reference=args.reference, log=log)
        elif args.command == "clip-image":
            from .clip_export import export_clip_image
            manifest = export_clip_image(args.out, size=args.size, seed=args.seed, checkpoint=args.checkpoint,
                                         opset=args.opset, precision=args.precision,
                                         model_id=args.model_id, reference=args.reference, log=log)
        elif args.command == "vit-gpt2":
            from .captioner_export import export_vit_gpt2
            manifest = export_vit_gpt2(args.out, size=args.size, seed=args.seed, template=args.template,
                                       model_id=args.model_id, opset=args.opset, reference=args.reference, log=log)
        elif args.command == "qwen2":
            from .captioner_export import export_qwen2
            manifest = export_qwen2(args.out, size=args.size, seed=args.seed, tokenizer_dir=args.tokenizer,
                                    model_id=args.model_id, opset=args.opset, reference=args.reference, log=log)
        else:
            from .viclip_export import build_model, reference_outputs
            model, weights, line = build_model(args.size, args.seed, args.checkpoint)
            log(line)
            ref = reference_outputs(model, args.seed)
            ref["model"] = {"size": model.cfg.name, "weights": weights}
            args.out.write_text(json.dumps(ref) + "\n")
            return 0
    except (CheckpointError, SafetensorsError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
