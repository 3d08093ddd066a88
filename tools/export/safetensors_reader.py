"""Minimal reader for the safetensors format, for machines without the `safetensors` package.

Layout (https://github.com/huggingface/safetensors): 8-byte little-endian header length N,
N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}},
then the raw little-endian tensor bytes; offsets are relative to the end of the header.
"""
import json
import struct
from pathlib import Path
from typing import Dict

import numpy as np
import torch

_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8,
    "BOOL": np.bool_,
}


class SafetensorsError(ValueError):
    pass


def read_safetensors(path: Path) -> Dict[str, torch.Tensor]:
    data = Path(path).read_bytes()
    if len(data) < 8:
        raise SafetensorsError(f"{path}: too short to be a safetensors file ({len(data)} bytes)")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > len(data) - 8:
        raise SafetensorsError(f"{path}: header length {header_len} exceeds the file size")
    try:
        header = json.loads(data[8:8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{path}: header is not valid JSON ({e})") from e
    body = memoryview(data)[8 + header_len:]
    tensors: Dict[str, torch.Tensor] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = info.get("dtype")
        if dtype != "BF16" and dtype not in _DTYPES:
            raise SafetensorsError(f"{path}: tensor {name} has unsupported dtype {dtype}")
        begin, end = info["data_offsets"]
        shape = info["shape"]
        count = int(np.prod(shape)) if shape else 1
        itemsize = 2 if dtype == "BF16" else np.dtype(_DTYPES[dtype]).itemsize
        if end > len(body) or end - begin != count * itemsize:
            raise SafetensorsError(
                f"{path}: tensor {name} needs {count * itemsize} bytes at {begin}..{end}, "
                f"the file holds {len(body)} data bytes (truncated?)")
        if dtype == "BF16":
            raw = np.frombuffer(body[begin:end], dtype="<u2").astype(np.uint32) << 16
            arr = raw.view(np.float32)  # bf16 is the top half of an fp32
        else:
            arr = np.frombuffer(body[begin:end], dtype=np.dtype(_DTYPES[dtype]).newbyteorder("<"))
            arr = arr.astype(arr.dtype.newbyteorder("="))
        tensors[name] = torch.from_numpy(arr.reshape(shape).copy())
    return tensors


def write_safetensors(path: Path, tensors: Dict[str, torch.Tensor]) -> None:
    """Inverse of read_safetensors (fp32/fp16/int only); used to test the reader."""
    names = {np.dtype(v): k for k, v in _DTYPES.items()}
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        arr = t.detach().cpu().numpy()
        raw = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    blob = json.dumps(header).encode("utf-8")
    blob += b" " * (-len(blob) % 8)  # the format pads the header to 8-byte alignment
    Path(path).write_bytes(struct.pack("<Q", len(blob)) + blob + b"".join(chunks))
