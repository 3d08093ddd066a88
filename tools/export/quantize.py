"""Precision variants as ONNX graph rewrites (onnxruntime's Python quantizer is not installed).

fp16: float32 initializers are stored as float16 and cast back to float32 at load, so the file
  is half the size while inputs, outputs and arithmetic stay float32 (any runtime, any EP).
int8: dynamic quantisation of every MatMul whose right operand is a weight, written out the way
  onnxruntime's quantize_dynamic does it: DynamicQuantizeLinear on the activation (uint8),
  int8 weights with one scale per output column, MatMulInteger, then rescale to float32.
  Weights use 7 bits (|q| <= 63): on x86 without VNNI the u8 x s8 kernels add pairs of
  products in int16, which saturates with full 8-bit weights (onnxruntime's reduce_range).
"""
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PRECISIONS = ("fp32", "fp16", "int8")


def convert_precision(path: Path, precision: str) -> None:
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r} (expected one of {', '.join(PRECISIONS)})")
    if precision == "fp32":
        return
    model = onnx.load(str(path))
    if precision == "fp16":
        _weights_to_fp16(model.graph)
    else:
        count = _dynamic_int8(model.graph)
        if count == 0:
            raise ValueError(f"{path}: no MatMul with a constant weight to quantise")
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def _weights_to_fp16(graph: onnx.GraphProto) -> None:
    casts, keep = [], []
    for init in graph.initializer:
        # Tiny tensors (shapes, scalars) are not worth a Cast node and may feed shape logic.
        if init.data_type != TensorProto.FLOAT or int(np.prod(init.dims)) < 64:
            keep.append(init)
            continue
        arr = numpy_helper.to_array(init)
        finite = arr[np.isfinite(arr)]  # the causal mask's -inf is fine: float16 has inf
        if finite.size and np.abs(finite).max() > 65504:  # would become inf in float16
            raise ValueError(f"initializer {init.name} exceeds the float16 range; export fp32 instead")
        half = numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16")
        keep.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT,
                                      name=init.name + "__cast"))
    del graph.initializer[:]
    graph.initializer.extend(keep)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)


def _dynamic_int8(graph: onnx.GraphProto) -> int:
    inits = {i.name: i for i in graph.initializer}
    users = {}
    for node in graph.node:
        for name in node.input:
            users[name] = users.get(name, 0) + 1
    new_nodes, new_inits, dropped, count = [], [], set(), 0
    for node in graph.node:
        w = inits.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        if w is None or len(w.dims) != 2 or w.data_type != TensorProto.FLOAT:
            new_nodes.append(node)
            continue
        count += 1
        base = f"{node.name or node.output[0]}__q"
        arr = numpy_helper.to_array(w).astype(np.float32)
        col_max = np.abs(arr).max(axis=0)
        scale = np.where(col_max > 0, col_max / 63.0, 1.0).astype(np.float32)
        q = np.clip(np.round(arr / scale), -63, 63).astype(np.int8)
        new_inits += [numpy_helper.from_array(q, base + "_w"),
                      numpy_helper.from_array(scale, base + "_wscale")]
        if users.get(w.name, 0) <= 1:
            dropped.add(w.name)
        x = node.input[0]
        new_nodes += [
            helper.make_node("DynamicQuantizeLinear", [x], [base + "_x", base + "_xs", base + "_xzp"], name=base + "_dql"),
            helper.make_node("MatMulInteger", [base + "_x", base + "_w", base + "_xzp"], [base + "_i32"], name=base + "_mmi"),
            helper.make_node("Cast", [base + "_i32"], [base + "_f"], to=TensorProto.FLOAT, name=base + "_cast"),
            helper.make_node("Mul", [base + "_xs", base + "_wscale"], [base + "_s"], name=base + "_scale"),
            helper.make_node("Mul", [base + "_f", base + "_s"], [node.output[0]], name=base + "_rescale"),
        ]
    keep = [i for i in graph.initializer if i.name not in dropped]
    del graph.initializer[:]
    graph.initializer.extend(keep + new_inits)
    del graph.node[:]
    graph.node.extend(new_nodes)
    return count
