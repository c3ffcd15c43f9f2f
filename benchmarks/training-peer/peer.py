#!/usr/bin/python3
"""PyTorch peer of samples/FashionMnist: the same network, optimiser, loss, batches and timing.

The network mirrors samples/FashionMnist/FashionCnn.cs layer by layer, including the two layers the model
compiler inserts for [Bottleneck(Ratio = 4)] on the cut between the chips (src/Sdk.Generator/Analysis/
Partitioner.cs, Lower and Pointwise): an encoder on chip 0 after Pool1, a 1x1 convolution 32 -> 8 channels with
bias and no activation, and a decoder on chip 1 before Conv2, a 1x1 convolution 8 -> 32 channels with bias and no
activation. The training set-up mirrors samples/FashionMnist/FashionTraining.cs: AdamW (lr 2e-3, betas 0.9/0.999,
eps 1e-8, weight decay 1e-4, applied to every trainable tensor), the cosine schedule with a linear warm-up of
min(100, total/10) steps over epochs x batches-per-epoch steps, softmax cross-entropy (mean over the batch),
BatchNorm in training mode (batch statistics, momentum 0.1, eps 1e-5), Dropout 0.3.

Modes:
  peer.py --steps 100 --warmup 20 --batch 64 --threads 2   timed training; prints a THROUGHPUT line
  peer.py --check DIR                                       loads DIR/weights.safetensors written by
                                                            `FashionMnist --peer-check DIR`, compares the
                                                            eval-mode logits of the first batch with DIR/logits.f32
"""

import argparse
import gzip
import json
import math
import os
import statistics
import struct
import sys
import time

DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=100, help="timed training steps (100)")
    p.add_argument("--warmup", type=int, default=20, help="untimed steps before the clock starts (20)")
    p.add_argument("--batch", type=int, default=64, help="batch size (64, the sample's default)")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (all cores)")
    p.add_argument("--seed", type=int, default=1, help="initial weights and dropout masks (1)")
    p.add_argument("--epochs", type=int, default=4, help="only sets the schedule's length, as in the sample (4)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--data-dir", default=os.environ.get("SDK_FASHION_MNIST_DIR", DEFAULT_DATA))
    p.add_argument("--check", metavar="DIR", help="architecture check against FashionMnist --peer-check DIR")
    return p.parse_args()


ARGS = parse_args()
# OpenMP reads its thread count when the library starts: set it before torch is imported (run.sh sets it too).
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(variable, str(ARGS.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def read_idx(directory, stem):
    """An IDX file of Fashion-MNIST (gzipped or not) as a numpy array."""
    path = os.path.join(directory, stem + ".gz")
    opener = gzip.open if os.path.exists(path) else open
    path = path if os.path.exists(path) else os.path.join(directory, stem)
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_train(directory):
    """Images N x 1 x 28 x 28 as byte / 255 in float32 (the runtime's ImageDataset does the same), labels int64."""
    images = read_idx(directory, "train-images-idx3-ubyte")
    labels = read_idx(directory, "train-labels-idx1-ubyte")
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28).contiguous()
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


class FashionCnn(nn.Module):
    """samples/FashionMnist/FashionCnn.cs, in plan order (the generator's names in the comments)."""

    def __init__(self):
        super().__init__()
        # chip 0
        self.Conv1 = nn.Conv2d(1, 32, 3, padding=1, bias=False)           # Conv1: Conv2D(32, Kernel 3, Padding 1, no bias)
        self.Bn1 = nn.BatchNorm2d(32, eps=1e-5, momentum=0.1)             # Bn1: BatchNorm + ReLU
        self.Pool1 = nn.MaxPool2d(2)                                      # Pool1: MaxPool(2), stride 2
        self.Conv2_encoder = nn.Conv2d(32, 8, 1, bias=True)               # Conv2.encoder: 1x1, 32 -> 32/4, bias, no activation
        # --- the cut: 8 x 14 x 14 float32 crosses chip 0 -> chip 1 (and its gradient back) ---
        # chip 1
        self.Conv2_decoder = nn.Conv2d(8, 32, 1, bias=True)               # Conv2.decoder: 1x1, 8 -> 32, bias, no activation
        self.Conv2 = nn.Conv2d(32, 64, 3, padding=1, bias=False)          # Conv2: Conv2D(64, Kernel 3, Padding 1, no bias)
        self.Bn2 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)             # Bn2: BatchNorm + ReLU
        self.Pool2 = nn.MaxPool2d(2)                                      # Pool2: MaxPool(2) -> 64 x 7 x 7
        self.Fc1 = nn.Linear(64 * 7 * 7, 128)                            # Fc1: Dense(128) + ReLU on the flattened C,H,W
        self.Drop = nn.Dropout(0.3)                                       # Drop: Dropout(0.3)
        self.Logits = nn.Linear(128, 10)                                  # Logits: Dense(10)

    def forward(self, x):
        x = self.Pool1(F.relu(self.Bn1(self.Conv1(x)), inplace=True))
        x = self.Conv2_decoder(self.Conv2_encoder(x))
        x = self.Pool2(F.relu(self.Bn2(self.Conv2(x)), inplace=True))
        x = F.relu(self.Fc1(torch.flatten(x, 1)), inplace=True)
        return self.Logits(self.Drop(x))


def sdk_name(torch_name):
    """The runtime's tensor name of a PyTorch state_dict entry (Conv2_encoder.weight -> Conv2.encoder.weight)."""
    return torch_name.replace("Conv2_encoder.", "Conv2.encoder.").replace("Conv2_decoder.", "Conv2.decoder.")


def cosine(rate, total, warmup):
    """Sdk.Runtime.Training.LearningRateSchedule.Cosine(rate, total, warmup, 0) as a LambdaLR factor."""
    def factor(step):
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / (total - warmup))
        return 0.5 * (1 + math.cos(math.pi * progress))
    return factor


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    size, = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} is {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=8 + size + begin)
        tensors[name] = torch.from_numpy(array.copy()).reshape(entry["shape"])
    return tensors


def check(directory, x):
    """Eval-mode logits of the PyTorch model with the runtime's weights against the runtime's inference Model."""
    model = FashionCnn()
    ours = read_safetensors(os.path.join(directory, "weights.safetensors"))
    state = model.state_dict()
    mapped = {}
    for name, tensor in state.items():
        if name.endswith("num_batches_tracked"):
            mapped[name] = tensor
            continue
        theirs = ours.pop(sdk_name(name), None)
        if theirs is None:
            raise SystemExit(f"CHECK FAILED: the runtime has no tensor {sdk_name(name)}")
        if tuple(theirs.shape) != tuple(tensor.shape):
            raise SystemExit(f"CHECK FAILED: {name} is {tuple(tensor.shape)} here, {tuple(theirs.shape)} in the runtime")
        mapped[name] = theirs
    if ours:
        raise SystemExit(f"CHECK FAILED: tensors of the runtime without a PyTorch peer: {sorted(ours)}")
    model.load_state_dict(mapped)
    model.eval()
    expected = np.fromfile(os.path.join(directory, "logits.f32"), dtype="<f4").reshape(-1, 10)
    batch = expected.shape[0]
    with torch.no_grad():
        logits = model(x[:batch]).numpy()
    diff = float(np.abs(logits - expected).max())
    scale = float(np.abs(expected).max())
    same_class = int((logits.argmax(1) == expected.argmax(1)).sum())
    parameters = sum(t.numel() for n, t in model.named_parameters())
    ok = diff <= 1e-4 * scale + 1e-6 and same_class == batch
    print(f"PEERCHECK side=torch {'ok' if ok else 'FAILED'} tensors={sum(1 for n in mapped if not n.endswith('num_batches_tracked'))} parameters={parameters} "
          f"batch={batch} max_abs_diff={diff:.3g} max_abs_logit={scale:.3g} same_argmax={same_class}/{batch}")
    return 0 if ok else 1


def main():
    torch.set_num_threads(ARGS.threads)
    torch.manual_seed(ARGS.seed)
    x_all, y_all = load_train(ARGS.data_dir)
    if ARGS.check:
        return check(ARGS.check, x_all)

    batch = ARGS.batch
    batches = x_all.shape[0] // batch
    model = FashionCnn()
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=ARGS.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=ARGS.weight_decay)
    total = ARGS.epochs * math.ceil(x_all.shape[0] / batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, cosine(ARGS.lr, total, min(100, total // 10)))

    def step(index):
        # Batch k is images k*B .. k*B+B-1 in file order (a view, no copy), as on the runtime's side.
        start = (index % batches) * batch
        x, y = x_all[start:start + batch], y_all[start:start + batch]
        optimizer.zero_grad(set_to_none=True)
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        schedule.step()
        # Trainer.TrainStep returns the loss and the count of correct samples: the same here.
        correct = int((logits.detach().argmax(1) == y).sum())
        return float(loss), correct

    for s in range(ARGS.warmup):
        step(s)

    times = []
    losses = []
    begin = previous = time.perf_counter()
    for s in range(ARGS.steps):
        loss, _ = step(ARGS.warmup + s)
        now = time.perf_counter()
        times.append((now - previous) * 1000)
        previous = now
        losses.append(loss)
    seconds = time.perf_counter() - begin

    print(f"THROUGHPUT side=torch images_per_s={ARGS.steps * batch / seconds:.1f} seconds={seconds:.3f} "
          f"median_step_ms={statistics.median(times):.3f} steps={ARGS.steps} warmup={ARGS.warmup} batch={batch} "
          f"threads={torch.get_num_threads()} first_loss={losses[0]:.4f} last_loss={losses[-1]:.4f} "
          f"torch={torch.__version__} blas={blas_library()} cpu_capability={cpu_capability()}")
    return 0


def blas_library():
    """The BLAS library the process loaded (Debian's libblas.so.3 alternative: reference BLAS, OpenBLAS, BLIS...)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line or "blis" in line}
        real = sorted({os.path.realpath(p) for p in paths if p.startswith("/")})
        return ",".join(real) if real else "none"
    except OSError:
        return "unknown"


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    sys.exit(main())
