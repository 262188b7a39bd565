#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 dh-aimodel developers
"""(Re)generate every model file of the dh-aimodel examples, bit for bit.

Python 3 standard library only; silent unless -v.  Every run on every
machine with IEEE-754 binary64 floats writes byte-identical files
(tests/test_examples_reproducible.py checks the committed copies).

Files written, relative to --output-root (default: this directory):

  free-model/models/iris-classifier.safetensors
      trained by free-model/train.py on free-model/data/iris.csv (that
      script is the real training program of the free-model example;
      this one only calls it);
  toxic-candy/models/tiny-lm.gguf
      GGUF v3, one F32 tensor of pseudo-random numbers (fixed seed);
  non-free-licence/models/sentiment.onnx
      ONNX, MatMul + Softmax, a 2x2 weight matrix trained below on a
      synthetic word-count corpus generated below (fixed seed);
  downloads/tiny-tagger/1.0/tiny-tagger.safetensors
      what the runtime-download example's tiny-tagger fetches from
      https://models.example.org/tiny-tagger/1.0/tiny-tagger.safetensors.
      It is NOT part of that source package (which ships only the
      downloader); it is kept here so that tests can serve it locally.

The upstreams that the toxic-candy, non-free-licence and runtime-download
declarations describe (private corpora, unpublished trainers, licence
choices) are fictional situations those examples demonstrate; the bytes
themselves all come from this script.
"""

import argparse
import importlib.util
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _load_train_module():
    # No __pycache__ inside the example source package.
    sys.dont_write_bytecode = True
    path = os.path.join(HERE, "free-model", "train.py")
    spec = importlib.util.spec_from_file_location("_iris_train", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


train = _load_train_module()
f32 = train.f32


# ---------------------------------------------------------------- free model

def iris_classifier(verbose):
    return train.build(os.path.join(HERE, "free-model", "data", "iris.csv"),
                       verbose=verbose)


# ------------------------------------------------------------ toxic candy: GGUF

GGUF_UINT32, GGUF_STRING = 4, 8
GGML_TYPE_F32 = 0
GGUF_ALIGNMENT = 32


def _gguf_str(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def gguf_bytes(kvs, tensors, alignment=GGUF_ALIGNMENT):
    """GGUF v3: kvs is [(key, type, value)], tensors [(name, dims, floats)].

    dims are in GGML order (ne0 first, the fastest-varying dimension).
    """
    out = bytearray(b"GGUF")
    out += struct.pack("<IQQ", 3, len(tensors), len(kvs))
    for key, vtype, value in kvs:
        out += _gguf_str(key) + struct.pack("<I", vtype)
        if vtype == GGUF_STRING:
            out += _gguf_str(value)
        elif vtype == GGUF_UINT32:
            out += struct.pack("<I", value)
        else:
            raise ValueError("unsupported GGUF value type %d" % vtype)
    data = bytearray()
    for name, dims, values in tensors:
        data += b"\0" * (-len(data) % alignment)
        out += _gguf_str(name) + struct.pack("<I", len(dims))
        out += struct.pack("<%dQ" % len(dims), *dims)
        out += struct.pack("<IQ", GGML_TYPE_F32, len(data))
        data += struct.pack("<%df" % len(values), *values)
    out += b"\0" * (-len(out) % alignment)
    return bytes(out + data)


def tiny_lm(verbose):
    rng = random.Random(20260116)
    n_embd, n_vocab = 8, 16
    emb = [f32((rng.random() * 2.0 - 1.0) * 0.1)
           for _ in range(n_embd * n_vocab)]
    kvs = [
        ("general.architecture", GGUF_STRING, "llama"),
        ("general.name", GGUF_STRING, "tiny-lm"),
        ("general.license", GGUF_STRING, "apache-2.0"),
        ("general.alignment", GGUF_UINT32, GGUF_ALIGNMENT),
        ("general.file_type", GGUF_UINT32, 0),  # all F32
        ("llama.embedding_length", GGUF_UINT32, n_embd),
        ("llama.vocab_size", GGUF_UINT32, n_vocab),
    ]
    return gguf_bytes(kvs, [("token_embd.weight", (n_embd, n_vocab), emb)])


# ------------------------------------------------- non-free licence: ONNX

ONNX_FLOAT = 1
SENTIMENT_LICENSE = "LicenseRef-scancode-bigscience-open-rail-m"


def _varint(n):
    if n < 0:
        n += 1 << 64  # int64 two's complement, as protobuf encodes it
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _pb_int(field, n):
    return _varint(field << 3 | 0) + _varint(n)


def _pb_bytes(field, b):
    return _varint(field << 3 | 2) + _varint(len(b)) + b


def _pb_str(field, s):
    return _pb_bytes(field, s.encode("utf-8"))


def _onnx_value_info(name, dims):
    """ValueInfoProto of a float tensor; a str dim is symbolic."""
    shape = b"".join(
        _pb_bytes(1, _pb_str(2, d) if isinstance(d, str) else _pb_int(1, d))
        for d in dims)                                 # TensorShapeProto.dim
    tensor_type = _pb_int(1, ONNX_FLOAT) + _pb_bytes(2, shape)
    return _pb_str(1, name) + _pb_bytes(2, _pb_bytes(1, tensor_type))


def _onnx_node(op_type, inputs, outputs, name):
    return (b"".join(_pb_str(1, i) for i in inputs)
            + b"".join(_pb_str(2, o) for o in outputs)
            + _pb_str(3, name) + _pb_str(4, op_type))


def onnx_bytes(weight, metadata, doc):
    """ModelProto: probabilities = Softmax(MatMul(features[batch,2], W[2,2]))."""
    initializer = (_pb_int(1, 2) + _pb_int(1, 2)          # dims [2, 2]
                   + _pb_int(2, ONNX_FLOAT)               # data_type
                   + _pb_str(8, "W")                      # name
                   + _pb_bytes(9, struct.pack("<4f", *weight)))  # raw_data
    graph = (_pb_bytes(1, _onnx_node("MatMul", ["features", "W"],
                                     ["logits"], "matmul"))
             + _pb_bytes(1, _onnx_node("Softmax", ["logits"],
                                       ["probabilities"], "softmax"))
             + _pb_str(2, "tiny-sentiment")
             + _pb_bytes(5, initializer)
             + _pb_str(10, "features: [count of positive words, count of "
                           "negative words]; probabilities: [positive, "
                           "negative]")
             + _pb_bytes(11, _onnx_value_info("features", ["batch", 2]))
             + _pb_bytes(12, _onnx_value_info("probabilities", ["batch", 2])))
    opset = _pb_str(1, "") + _pb_int(2, 17)
    model = (_pb_int(1, 8)                                # ir_version
             + _pb_str(2, "dh-aimodel make-models.py")    # producer_name
             + _pb_str(3, "1.0")                          # producer_version
             + _pb_int(5, 1)                              # model_version
             + _pb_str(6, doc)                            # doc_string
             + _pb_bytes(7, graph)
             + _pb_bytes(8, opset))
    for key in sorted(metadata):
        model += _pb_bytes(14, _pb_str(1, key) + _pb_str(2, metadata[key]))
    return model


def sentiment_corpus(seed=20260117, size=200):
    """Synthetic corpus: ([positive words, negative words], label 0=pos/1=neg).

    Ties are dropped, so the label is the majority sentiment.
    """
    rng = random.Random(seed)
    rows = []
    while len(rows) < size:
        pos, neg = int(rng.random() * 6), int(rng.random() * 6)
        if pos != neg:
            rows.append(([float(pos), float(neg)], 0 if pos > neg else 1))
    return rows


def train_sentiment(rows, seed=20260118, epochs=20, learning_rate=0.05):
    """Softmax regression without bias: logits = x @ W, W[feature][class]."""
    w = [[0.0, 0.0], [0.0, 0.0]]
    rng = random.Random(seed)
    order = list(range(len(rows)))
    for _ in range(epochs):
        for i in range(len(order) - 1, 0, -1):
            j = int(rng.random() * (i + 1))
            order[i], order[j] = order[j], order[i]
        for i in order:
            x, y = rows[i]
            z = [x[0] * w[0][c] + x[1] * w[1][c] for c in range(2)]
            p = train.softmax(z)
            for c in range(2):
                g = p[c] - (1.0 if c == y else 0.0)
                for f in range(2):
                    w[f][c] -= learning_rate * g * x[f]
    return [f32(w[f][c]) for f in range(2) for c in range(2)]


def sentiment(verbose):
    rows = sentiment_corpus()
    weight = train_sentiment(rows)
    if verbose:
        right = 0
        for x, y in rows:
            z = [x[0] * weight[c] + x[1] * weight[2 + c] for c in range(2)]
            right += (z.index(max(z)) == y)
        print("tiny-sentiment: training accuracy %d/%d" % (right, len(rows)))
    doc = ("Tiny sentiment classifier, an example of dh-aimodel. Weights "
           "licensed under the BigScience OpenRAIL-M licence "
           "(use-restricted).")
    return onnx_bytes(weight, {"license": SENTIMENT_LICENSE}, doc)


# ------------------------------------ runtime download: downloaded weights

TAGGER_FEATURES = ["digit_ratio", "alpha_ratio", "punct_ratio",
                   "initial_upper", "bias"]
TAGGER_LABELS = ["NUM", "PUNCT", "PROPN", "WORD"]


def tiny_tagger(verbose):
    base = [  # rows: labels, columns: features
        [4.0, -2.0, -1.0, 0.0, -1.0],   # NUM
        [-2.0, -3.0, 4.0, 0.0, -1.0],   # PUNCT
        [-1.0, 2.0, -2.0, 3.0, -1.5],   # PROPN
        [-1.0, 2.5, -2.0, -1.0, 0.0],   # WORD
    ]
    rng = random.Random(20260119)
    weight = [f32(v + (rng.random() - 0.5) * 0.02) for row in base for v in row]
    tensors = {"weight": ((len(TAGGER_LABELS), len(TAGGER_FEATURES)), weight)}
    metadata = {"license": "Apache-2.0", "format": "pt",
                "inputs": ",".join(TAGGER_FEATURES),
                "labels": ",".join(TAGGER_LABELS)}
    return train.safetensors_bytes(tensors, metadata)


# ----------------------------------------------------------------------- main

GENERATORS = [
    ("free-model/models/iris-classifier.safetensors", iris_classifier),
    ("toxic-candy/models/tiny-lm.gguf", tiny_lm),
    ("non-free-licence/models/sentiment.onnx", sentiment),
    ("downloads/tiny-tagger/1.0/tiny-tagger.safetensors", tiny_tagger),
]


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Regenerate the model files of the dh-aimodel examples.")
    ap.add_argument("--output-root", default=HERE, metavar="DIR",
                    help="write under DIR instead of %(default)s")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    for rel, generate in GENERATORS:
        blob = generate(args.verbose)
        path = os.path.join(args.output_root, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(blob)
        os.replace(tmp, path)
        if args.verbose:
            print("wrote %s (%d bytes)" % (path, len(blob)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
