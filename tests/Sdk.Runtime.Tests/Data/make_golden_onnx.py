#!/usr/bin/env python3
"""Writes golden_gemm_relu.onnx with the official onnx Python package (Debian: python3-onnx).

The same model as OnnxModelBuilderTests.GemmRelu(); the test compares our bytes with these
(after clearing producer_version, which carries our assembly version).
Run once: /usr/bin/python3 make_golden_onnx.py
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

w = numpy_helper.from_array(np.array([1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1], np.float32).reshape(3, 4), "W")
b = numpy_helper.from_array(np.array([0.5, -10, 0], np.float32), "b")
graph = helper.make_graph(
    [
        helper.make_node("Gemm", ["x", "W", "b"], ["h"], name="Gemm_0", transB=1, alpha=2.0),
        helper.make_node("Relu", ["h"], ["y"], name="Relu_1"),
    ],
    "gemm_relu",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
    initializer=[w, b],
)
model = helper.make_model(graph, producer_name="Sdk.Runtime", opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
onnx.checker.check_model(model, full_check=True)
onnx.save(model, "golden_gemm_relu.onnx")
