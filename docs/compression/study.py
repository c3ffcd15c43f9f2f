#!/usr/bin/env python3
"""Seed 2 on the Fashion-MNIST sample: accuracy, measured bytes and time per epoch, per wire-precision setting.

Runs samples/FashionMnist (built in Release) once per row, reads its epoch lines and its SUMMARY line, writes
docs/compression/fashion-study[-short].csv and the accuracy-vs-bytes plot beside it (SVG, standard library only).

  python3 docs/compression/study.py            # 4 epochs on all 60000 images: the figures in docs/compression.md
  python3 docs/compression/study.py --short    # the CI version: --subset 2000 --epochs 1, under a minute on 2 cores
  python3 docs/compression/study.py --plot-only [--short]   # the plot again from the CSV

Every row trains 2 data-parallel replicas (the weight exchange is on), seed 1; 'float32' sends the cut and the
weights in Float32, the others adaptive truncation from 12 bits on both (the sample's --adaptive).
"""
import csv
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLE = os.path.join(ROOT, "samples", "FashionMnist", "bin", "Release", "net10.0", "FashionMnist.dll")
ROWS = [
    ("float32", []),
    ("adaptive 12, 1e-4/30", ["--adaptive", "12", "--threshold", "1e-4", "--interval", "30"]),
    ("adaptive 12, 1e-3/30", ["--adaptive", "12", "--threshold", "1e-3", "--interval", "30"]),
]
FIELDS = ["label", "test_accuracy", "measured_bytes", "float32_bytes", "mean_epoch_s", "cut_bits", "weight_bits", "command"]


def run(label, extra, size):
    args = ["dotnet", SAMPLE, *size, "--replicas", "2", "--out", tempfile.mkdtemp(prefix="fashion-study-"), *extra]
    print("$ " + " ".join(args[1:]), flush=True)
    text = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    summary = re.search(r"SUMMARY test_accuracy=(\S+) measured_bytes=(\d+) float32_bytes=(\d+) .*cut_bits=(.*) weight_bits=(.*)$", text, re.M)
    epochs = [float(s) for s in re.findall(r"^epoch \d+: .*?, ([\d.]+) s, ", text, re.M)]
    if summary is None or not epochs:
        sys.exit(f"{label}: no SUMMARY or epoch line in the sample's output:\n{text}")
    row = dict(label=label, test_accuracy=summary[1], measured_bytes=summary[2], float32_bytes=summary[3],
               mean_epoch_s=f"{sum(epochs) / len(epochs):.1f}", cut_bits=summary[4].strip(), weight_bits=summary[5].strip(),
               command="dotnet run -c Release --project samples/FashionMnist -- " + " ".join([*size, "--replicas", "2", *extra]))
    print(row, flush=True)
    return row


def plot(rows, path):
    """Test accuracy (%) against measured bytes (fraction of all-Float32), one labelled point per row."""
    w, h, left, bottom, top, right = 640, 400, 70, 50, 20, 20
    xs = [int(r["measured_bytes"]) / int(r["float32_bytes"]) for r in rows]
    ys = [100 * float(r["test_accuracy"]) for r in rows]
    x0, x1 = 0.0, 1.05
    y0, y1 = min(ys) - 1, max(ys) + 1
    sx = lambda x: left + (x - x0) / (x1 - x0) * (w - left - right)
    sy = lambda y: h - bottom - (y - y0) / (y1 - y0) * (h - bottom - top)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="black"/>']
    for i in range(0, 11, 2):
        x = i / 10
        out.append(f'<text x="{sx(x):.1f}" y="{h - bottom + 16}" text-anchor="middle">{x:.1f}</text>')
    steps = 4
    for i in range(steps + 1):
        y = y0 + (y1 - y0) * i / steps
        out.append(f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:.1f}</text>')
    out.append(f'<text x="{(w + left) / 2}" y="{h - 12}" text-anchor="middle">measured bytes / all-Float32 bytes (cuts + weight exchange, 2 replicas)</text>')
    out.append(f'<text x="16" y="{(h - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 {(h - bottom) / 2})">test accuracy (%)</text>')
    for r, x, y in zip(rows, xs, ys):
        out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" fill="steelblue"/>')
        out.append(f'<text x="{sx(x) + 7:.1f}" y="{sy(y) - 7:.1f}">{r["label"]} ({y:.2f} %, {100 * x:.1f} %)</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    short = "--short" in sys.argv
    stem = os.path.join(ROOT, "docs", "compression", "fashion-study" + ("-short" if short else ""))
    if "--plot-only" not in sys.argv:
        subprocess.run(["dotnet", "build", "-c", "Release", "samples/FashionMnist"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        size = ["--subset", "2000", "--epochs", "1"] if short else ["--epochs", "4"]
        rows = [run(label, extra, size) for label, extra in ROWS]
        with open(stem + ".csv", "w", newline="") as f:
            writer = csv.DictWriter(f, FIELDS)
            writer.writeheader()
            writer.writerows(rows)
    with open(stem + ".csv", newline="") as f:
        rows = list(csv.DictReader(f))
    plot(rows, stem + ".svg")


if __name__ == "__main__":
    main()
