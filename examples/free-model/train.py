#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 dh-aimodel developers
"""Train the Iris classifier shipped by this package, bit for bit.

Softmax (multinomial logistic) regression, 4 standardised features -> 3
species, plain stochastic gradient descent with a fixed seed and a fixed
number of epochs.  Python standard library only.

The result is byte-identical on every machine whose floating point is
IEEE-754 binary64 with round-to-nearest (every 64-bit Debian architecture):
only +, -, *, / and sqrt are used, which IEEE-754 rounds correctly, and
exp() is computed here from those operations instead of the platform libm
(whose last bit may differ between C libraries).  The random numbers come
from random.Random(SEED).random(), which Python guarantees to reproduce.

Usage: python3 train.py [--data data/iris.csv]
                        [--output models/iris-classifier.safetensors] [-v]
"""

import argparse
import csv
import json
import math
import os
import random
import struct
import sys

SEED = 20260115
EPOCHS = 100
LEARNING_RATE = 0.05
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
CLASSES = ["setosa", "versicolor", "virginica"]
METADATA = {
    "license": "MIT",
    "format": "pt",
    "inputs": ",".join(FEATURES),
    "labels": ",".join(CLASSES),
}

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "data", "iris.csv")
DEFAULT_OUTPUT = os.path.join(HERE, "models", "iris-classifier.safetensors")

# fdlibm's split of ln(2): LN2_HI has its low bits zero, so k * LN2_HI is exact.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00


def exp(x):
    """e**x from correctly rounded operations only (same bits everywhere)."""
    if x < -700.0:
        return 0.0
    if x > 700.0:
        raise OverflowError("exp(%r)" % x)
    k = math.floor(x * _INV_LN2 + 0.5)
    r = (x - k * _LN2_HI) - k * _LN2_LO  # |r| <= ln(2)/2
    p = 1.0
    for n in range(16, 0, -1):  # Taylor series, Horner form
        p = 1.0 + p * r / n
    return math.ldexp(p, k)


def total(values):
    """Left-to-right float sum (builtin sum() compensates since Python 3.12)."""
    s = 0.0
    for v in values:
        s += v
    return s


def softmax(z):
    m = max(z)
    e = [exp(v - m) for v in z]
    s = total(e)
    return [v / s for v in e]


def load_iris(path=DEFAULT_DATA):
    """Rows of ([4 floats], class index) from the CSV with a header line."""
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            x = [float(rec[name]) for name in FEATURES]
            rows.append((x, CLASSES.index(rec["species"])))
    return rows


def standardisation(rows):
    n = len(rows)
    mean = [total(x[j] for x, _ in rows) / n for j in range(len(FEATURES))]
    std = [math.sqrt(total((x[j] - mean[j]) * (x[j] - mean[j])
                           for x, _ in rows) / n)
           for j in range(len(FEATURES))]
    return mean, std


def f32(v):
    """Round a Python float to the nearest float32 value."""
    return struct.unpack("<f", struct.pack("<f", v))[0]


def train(rows, seed=SEED, epochs=EPOCHS, learning_rate=LEARNING_RATE):
    """Return the tensors {name: (shape, values)}; values already float32."""
    mean, std = standardisation(rows)
    # The model applies (x - mean) / std with float32 parameters; train on
    # exactly that input so the shipped file and the training agree.
    mean, std = [f32(v) for v in mean], [f32(v) for v in std]
    data = [([(x[j] - mean[j]) / std[j] for j in range(len(x))], y)
            for x, y in rows]
    nf, nc = len(FEATURES), len(CLASSES)
    weight = [[0.0] * nf for _ in range(nc)]
    bias = [0.0] * nc
    rng = random.Random(seed)
    order = list(range(len(data)))
    for _ in range(epochs):
        # Fisher-Yates with random() only (shuffle()'s algorithm may change).
        for i in range(len(order) - 1, 0, -1):
            j = int(rng.random() * (i + 1))
            order[i], order[j] = order[j], order[i]
        for i in order:
            x, y = data[i]
            z = [bias[c] + total(weight[c][j] * x[j] for j in range(nf))
                 for c in range(nc)]
            p = softmax(z)
            for c in range(nc):
                g = p[c] - (1.0 if c == y else 0.0)
                for j in range(nf):
                    weight[c][j] -= learning_rate * g * x[j]
                bias[c] -= learning_rate * g
    return {
        "weight": ((nc, nf), [f32(v) for row in weight for v in row]),
        "bias": ((nc,), [f32(v) for v in bias]),
        "input_mean": ((nf,), mean),
        "input_std": ((nf,), std),
    }


def predict(tensors, x):
    """Class index predicted for one row of 4 measurements."""
    nf = len(FEATURES)
    w, b = tensors["weight"][1], tensors["bias"][1]
    mean, std = tensors["input_mean"][1], tensors["input_std"][1]
    xs = [(x[j] - mean[j]) / std[j] for j in range(nf)]
    z = [b[c] + total(w[c * nf + j] * xs[j] for j in range(nf))
         for c in range(len(b))]
    return z.index(max(z))


def safetensors_bytes(tensors, metadata):
    """A safetensors file: u64 LE header length, JSON header, F32 LE data."""
    header = {"__metadata__": dict(metadata)}
    data = bytearray()
    for name in sorted(tensors):
        shape, values = tensors[name]
        start = len(data)
        data += struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": list(shape),
                        "data_offsets": [start, len(data)]}
    text = json.dumps(header, separators=(",", ":"), sort_keys=True)
    raw = text.encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # pad so the data starts 8-byte aligned
    return struct.pack("<Q", len(raw)) + raw + bytes(data)


def build(data_path=DEFAULT_DATA, verbose=False):
    """Train and return the bytes of models/iris-classifier.safetensors."""
    rows = load_iris(data_path)
    tensors = train(rows)
    if verbose:
        right = sum(predict(tensors, x) == y for x, y in rows)
        print("iris-classifier: training accuracy %d/%d" % (right, len(rows)))
    return safetensors_bytes(tensors, METADATA)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--output", default=DEFAULT_OUTPUT)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    blob = build(args.data, args.verbose)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, args.output)
    if args.verbose:
        print("wrote %s (%d bytes)" % (args.output, len(blob)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
