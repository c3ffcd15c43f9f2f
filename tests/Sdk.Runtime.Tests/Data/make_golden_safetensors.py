#!/usr/bin/env python3
"""Writes golden_numpy_f16.safetensors: float32 values and numpy's float16 rounding of them.

The safetensors Python package is not packaged for Debian 12, so this script follows the
format's description with json + struct + numpy (Debian: python3-numpy). The point of the
file is an independent float32 -> float16 rounding (numpy's) to check ours against.
Run once: /usr/bin/python3 make_golden_safetensors.py
"""
import json
import struct

import numpy as np

rng = np.random.default_rng(20240601)
specials = np.array(
    [0.0, -0.0, 1.0, -2.5, 65504.0, 65519.0, 65520.0, 1e6, -1e6, np.inf, -np.inf,
     2.0 ** -14, 2.0 ** -24, 2.0 ** -25, 1.5 * 2.0 ** -24, 3.0 * 2.0 ** -26, 1e-9,
     1.0 + 2.0 ** -11, 1.0 + 3.0 * 2.0 ** -11, 0.1, 1.0 / 3.0],
    dtype=np.float32)
# Spread over the whole half range, including subnormals: random signs and exponents.
randoms = (rng.choice([-1.0, 1.0], 107) * 2.0 ** rng.uniform(-26, 16.5, 107)).astype(np.float32)
values = np.concatenate([specials, randoms]).astype(np.float32).reshape(8, 16)
halves = values.astype(np.float16)

tensors = {"values_f32": ("F32", values), "values_f16": ("F16", halves)}
header, chunks, offset = {"__metadata__": {"producer": "numpy " + np.__version__}}, [], 0
for name in sorted(tensors):
    dtype, array = tensors[name]
    data = array.astype("<" + array.dtype.str[1:]).tobytes()
    header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
    chunks.append(data)
    offset += len(data)

text = json.dumps(header, separators=(",", ":")).encode("utf-8")
text += b" " * (-len(text) % 8)
with open("golden_numpy_f16.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for chunk in chunks:
        f.write(chunk)
