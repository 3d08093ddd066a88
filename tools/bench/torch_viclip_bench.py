"""PyTorch-eager timing of the ViCLIP vision tower, the baseline of bench/ml.bench.ts.

    /usr/bin/python3 -m tools.bench.torch_viclip_bench --size b16 --seed 0 \
        --frames FILE.f32 --clips N [--threads 2]

Builds the exporter's own model (tools/export/viclip_model.py) with the same seeded random
weights that `python3 -m tools.export viclip --random-init --size S --seed N` exports, so the
ONNX graphs under comparison hold identical weights. FILE.f32 holds N clips of float32
[8, 3, 224, 224] (little-endian, as Node's Float32Array writes them). Clip 0 is the warm-up
(timed but reported apart); clips 1..N-1 are the timed reps, batch 1 each, under
torch.no_grad() with torch.set_num_threads(--threads).

With --serve, it instead prints one JSON line {"ready": ...} once the model is built, then
for each line "I" read on stdin runs clip I and prints {"i", "s", "cpu_s", "embedding"}; EOF
ends it. bench/ml.bench.ts uses this to interleave torch and onnxruntime clip by clip, so load
from other processes on the machine hits both engines alike.

Otherwise prints one JSON object on stdout: torch version, threads, build seconds, warm-up and per-rep
seconds, and the L2-normalised embedding of every clip (for the ORT-vs-torch agreement check).
Progress goes to stderr.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m tools.bench.torch_viclip_bench")
    p.add_argument("--size", choices=["tiny", "b16", "l14"], required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--frames", type=Path, required=True)
    p.add_argument("--clips", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--serve", action="store_true", help="run clips on request (stdin lines)")
    args = p.parse_args(argv)

    torch.set_num_threads(args.threads)
    from tools.export.viclip_export import build_model
    from tools.export.viclip_model import NormalizedVision

    t0 = time.perf_counter()
    model, _weights, line = build_model(args.size, args.seed, None)
    build_s = time.perf_counter() - t0
    print(f"torch {torch.__version__}: {line}, built in {build_s:.1f} s", file=sys.stderr)
    cfg = model.cfg
    shape = (args.clips, cfg.frames, 3, cfg.image_res, cfg.image_res)
    frames = np.fromfile(args.frames, dtype="<f4")
    if frames.size != int(np.prod(shape)):
        print(f"error: {args.frames}: {frames.size} floats, expected {shape}", file=sys.stderr)
        return 2
    frames = torch.from_numpy(frames.reshape(shape))
    vision = NormalizedVision(model.vision_encoder).eval()

    def run(i: int):
        t, c = time.perf_counter(), time.process_time()
        with torch.no_grad():
            emb = vision(frames[i:i + 1])
        return time.perf_counter() - t, time.process_time() - c, emb[0].tolist()

    if args.serve:
        print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                          "build_s": build_s}), flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            i = int(line)
            s, cpu, emb = run(i)
            print(f"torch {args.size} clip {i}: {s:.2f} s", file=sys.stderr)
            print(json.dumps({"i": i, "s": s, "cpu_s": cpu, "embedding": emb}), flush=True)
        return 0

    times, embeddings = [], []
    with torch.no_grad():
        for i in range(args.clips):
            t = time.perf_counter()
            emb = vision(frames[i:i + 1])
            times.append(time.perf_counter() - t)
            embeddings.append(emb[0].tolist())
            print(f"torch {args.size} clip {i}: {times[-1]:.2f} s", file=sys.stderr)

    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "size": args.size,
        "seed": args.seed,
        "build_s": build_s,
        "warmup_s": times[0],
        "times_s": times[1:],
        "embeddings": embeddings,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
