#!/usr/bin/python3
"""Writes the small PyTorch models the ONNX import tests read (OnnxImporterTests): run once, commit the .onnx files.

Needs python3-torch (Debian). The tests never run Python: they compare the imported networks with ONNX Runtime on the
same files. Weights are random (seeded) and BatchNorm statistics are set to non-trivial values, so a fold that ignores
one of them shows.

    /usr/bin/python3 tests/Sdk.Runtime.Tests/Data/onnx/make_torch_models.py
"""
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def conv_bn(cin, cout, k=3, stride=1, groups=1, act=nn.ReLU):
    layers = [nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, act()) if act else nn.Sequential(*layers)


class CnnBnRelu6(nn.Module):
    """Conv+BN+ReLU, max pools (one padded), depthwise Conv+BN+ReLU6, global average pool, view(N, -1) with the batch
    fixed at 1 (Reshape to [1, -1]), Linear."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn(3, 8), nn.MaxPool2d(2),
            conv_bn(8, 16, act=nn.ReLU6), nn.MaxPool2d(3, stride=2, padding=1),
            conv_bn(16, 16, groups=16, act=nn.ReLU6), nn.Conv2d(16, 24, 1),
            nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(24, 10)

    def forward(self, x):
        x = self.features(x)
        return self.fc(x.view(x.size(0), -1))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, cout, stride=stride), conv_bn(cout, cout, act=None))
        self.shortcut = conv_bn(cin, cout, k=1, stride=stride, act=None) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


class Residual(nn.Module):
    """A ResNet in small: identity and projection shortcuts (residual adds), BatchNorms folded by the exporter, average
    pool (exported with a Pad of zeros before it), reshape(-1, F), Linear, softmax."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(3, 16)
        self.blocks = nn.Sequential(Block(16, 16, 1), Block(16, 32, 2))
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(32 * 4 * 4, 10)

    def forward(self, x):
        x = self.pool(self.blocks(self.stem(x)))
        return torch.softmax(self.fc(x.reshape(-1, 32 * 4 * 4)), dim=1)


class Branches(nn.Module):
    """Two branches concatenated (a BatchNorm after the concat stays a layer), ReLU6 as Clip attributes (opset 10),
    a padded average pool without the padding, x @ W + b (MatMul, Add), BatchNorm1d, sigmoid."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(3, 8)
        self.left = nn.Conv2d(8, 8, 1)
        self.right = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU6())
        self.norm = nn.BatchNorm2d(16)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
        self.weight = nn.Parameter(torch.randn(16, 12) * 0.3)
        self.bias = nn.Parameter(torch.randn(12) * 0.1)
        self.norm1d = nn.BatchNorm1d(12)
        self.head = nn.Linear(12, 5)

    def forward(self, x):
        x = self.stem(x)
        x = torch.tanh(self.norm(torch.cat([self.left(x), self.right(x)], dim=1)))
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(self.pool(x), 1), 1)
        return torch.sigmoid(self.head(torch.relu(self.norm1d(x @ self.weight + self.bias))))


def randomise_batch_norms(model, generator):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.weight.data = 0.5 + torch.rand(n, generator=generator)
            m.bias.data = 0.2 * torch.randn(n, generator=generator)
            m.running_mean = 0.2 * torch.randn(n, generator=generator)
            m.running_var = 0.5 + torch.rand(n, generator=generator)


def export(name, model, opset, dynamic_batch, **kwargs):
    generator = torch.Generator().manual_seed(len(name))
    torch.manual_seed(len(name))
    randomise_batch_norms(model, generator)
    model.eval()
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(
        model, torch.randn(1, 3, 16, 16), path, input_names=["input"], output_names=["output"], opset_version=opset,
        dynamic_axes={"input": {0: "N"}, "output": {0: "N"}} if dynamic_batch else None, do_constant_folding=True,
        **kwargs)
    print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    torch.manual_seed(0)
    # PRESERVE keeps the BatchNorms (in inference mode) that the default export folds into the convolutions itself,
    # and passes the weights through Identity nodes.
    export("cnn_bn_relu6", CnnBnRelu6(), opset=13, dynamic_batch=False, training=torch.onnx.TrainingMode.PRESERVE)
    export("residual", Residual(), opset=17, dynamic_batch=True)
    export("branches_opset10", Branches(), opset=10, dynamic_batch=True, keep_initializers_as_inputs=True)
