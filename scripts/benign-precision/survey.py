#!/usr/bin/python3
"""Writes, into the folder given (a temporary one), the survey files of
docs/precision.md that the benign-precision set does not keep: files a
model repository or ML project folder holds, made by the real libraries
where Debian has them. `node dist/cli/main.js scan <folder>` gives the
verdicts recorded in the survey table. Not every file here must be
clean: training_args.bin pickles a class and must stay judged.
"""
import dataclasses
import io
import json
import pickle
import sys
import tarfile
import types
from pathlib import Path

import numpy as np
import torch

OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)


def write(rel, data):
    p = OUT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode())


def saved(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


# transformers' Trainer writes training_args.bin with torch.save(self.args): a pickle of the
# TrainingArguments dataclass, imported from transformers.training_args at load.
mod = types.ModuleType("transformers.training_args")
sys.modules["transformers"] = types.ModuleType("transformers")
sys.modules["transformers.training_args"] = mod


@dataclasses.dataclass
class TrainingArguments:
    output_dir: str = "out"
    learning_rate: float = 5e-5
    num_train_epochs: float = 3.0


TrainingArguments.__module__ = "transformers.training_args"
mod.TrainingArguments = TrainingArguments
write("trainer/training_args.bin", saved(TrainingArguments()))

# NeMo's .nemo: a tar of model_config.yaml and model_weights.ckpt (torch.save of the state dict).
state = {"encoder.weight": torch.randn(4, 4), "encoder.bias": torch.zeros(4)}
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w:") as t:
    for name, data in (("model_config.yaml", b"sample_rate: 16000\nencoder:\n  d_model: 4\n"), ("model_weights.ckpt", saved(state))):
        info = tarfile.TarInfo("./" + name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
write("nemo/asr.nemo", buf.getvalue())

# nanoGPT's prepare.py: token ids as uint16, written with tofile.
(OUT / "nanogpt").mkdir(parents=True, exist_ok=True)
(OUT / "raw").mkdir(parents=True, exist_ok=True)
np.random.RandomState(3).randint(0, 50257, size=4096).astype(np.uint16).tofile(OUT / "nanogpt" / "train.bin")
# An int8-quantized tensor dump (np.int8 tofile).
np.clip(np.random.RandomState(4).standard_normal(4096) * 40, -127, 127).astype(np.int8).tofile(OUT / "raw" / "weights-int8.bin")
# A raw float32 dump named pytorch_model.bin (what torch.load would be pointed at).
np.random.RandomState(5).standard_normal(2048).astype(np.float32).tofile(OUT / "raw" / "pytorch_model.bin")
# The hub's tokenizer and config files.
write("tokenizer/tokenizer_config.json", json.dumps({"model_max_length": 512, "tokenizer_class": "BertTokenizer"}, indent=2) + "\n")
write("tokenizer/vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\n")
