#!/usr/bin/python3
"""Writes the precision survey of docs/precision.md: ordinary files of Hugging
Face model and dataset repositories and GitHub ML projects, made by the real
tools Debian packages (PIL, matplotlib, libsndfile, sox, flac, lame, opusenc,
fontTools, git, h5py, PyTables, pandas, gensim, sentencepiece, scikit-learn,
torch, onnx, hnswlib, sqlite3, zstd, pandas, ffmpeg, heif-enc), by the format's description otherwise
(TensorBoard events, tiktoken files, Chroma's split hnswlib files).

    /usr/bin/python3 scripts/benign-survey/generate.py OUT [--full]

Without --full it writes the small committed set (test/fixtures/benign-survey:
every file must scan clean); --full adds larger files of the same kinds and
kinds too big to commit, for the survey table. Deterministic where the tools
allow (seeds, fixed git dates).
"""
import base64
import bz2
import gzip
import io
import json
import lzma
import os
import pickle
import shutil
import sqlite3
import struct
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np

OUT = Path(sys.argv[1])
FULL = "--full" in sys.argv
OUT.mkdir(parents=True, exist_ok=True)
rng = np.random.RandomState(0)


def P(rel):
    p = OUT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def write(rel, data):
    p = OUT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


def have(tool):
    return shutil.which(tool) is not None


def run(*cmd, cwd=None, env=None):
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def section(name):
    def deco(fn):
        try:
            fn()
        except ImportError as e:  # a Debian package not installed: the section is skipped, and says so
            print(f"skipped {name}: {e}", file=sys.stderr)
        return fn

    return deco


# ---------------------------------------------------------------- images
@section("images")
def images():
    from PIL import Image, ImageDraw

    side = 32 if not FULL else 256
    im = Image.new("RGB", (side, side), (30, 60, 90))
    d = ImageDraw.Draw(im)
    for i in range(0, side, 6):
        d.line((0, i, side, side - i), fill=(i * 3 % 256, 200, 40))
    im.save(P("images/sample.png"))
    im.convert("P", palette=Image.ADAPTIVE, colors=16).save(P("images/palette.png"))
    im.convert("LA").save(P("images/gray-alpha.png"))
    Image.fromarray((rng.rand(16, 16) * 65535).astype(np.uint16)).save(P("images/depth16.png"))
    im.save(P("images/photo.jpg"), quality=85)
    im.save(P("images/progressive.jpg"), quality=80, progressive=True, optimize=True)
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    exif[0x0110] = "Model X"
    im.save(P("images/exif.jpeg"), exif=exif.tobytes())
    im.convert("L").save(P("images/gray.jpg"))
    im.convert("CMYK").save(P("images/cmyk.jpg"))
    frames = [Image.new("P", (24, 24), i * 40) for i in range(4)]
    frames[0].save(P("images/anim.gif"), save_all=True, append_images=frames[1:], duration=100, loop=0)
    im.save(P("images/still.gif"))
    im.save(P("images/lossy.webp"), quality=70)
    im.save(P("images/lossless.webp"), lossless=True)
    rgba = im.convert("RGBA")
    rgba.save(P("images/alpha.webp"))
    frames[0].convert("RGB").save(P("images/anim.webp"), save_all=True, append_images=[f.convert("RGB") for f in frames[1:]], duration=100)
    for comp in ("raw", "tiff_lzw", "tiff_deflate", "packbits", "jpeg"):
        im.save(P(f"images/{comp}.tiff"), compression=comp)
    im.save(P("images/bigendian.tif"), compression="raw", tiffinfo={}, big_endian=True) if hasattr(Image, "core") else None
    im.save(P("images/sample.bmp"))
    im.convert("P").save(P("images/palette.bmp"))
    rgba.save(P("images/favicon.ico"), sizes=[(16, 16), (32, 32)])
    im.save(P("images/sample.ppm"))
    im.convert("L").save(P("images/sample.pgm"))
    im.convert("1").save(P("images/sample.pbm"))
    if FULL:
        # Rare in model repositories and still unscannable (no magic number to check): the survey counts them.
        im.save(P("images/sample.tga"))
        im.save(P("images/scan.pcx"))
    im.save(P("images/figure.pdf"))
    rgba.save(P("images/apng.png"), save_all=True, append_images=[rgba.rotate(90)], duration=100)


@section("matplotlib")
def plots():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=40)
    ax.plot(np.arange(10), np.arange(10) ** 0.5, label="loss")
    ax.legend()
    for ext in ("png", "svg", "pdf") + (("eps", "jpg") if FULL else ()):
        fig.savefig(P(f"figures/loss_curve.{ext}"), **({"metadata": {"CreationDate": None}} if ext == "pdf" else {}))
    plt.close(fig)


@section("pdf")
def pdfs():
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(P("docs/paper.pdf")), invariant=1)
    c.drawString(72, 720, "A model card, as a PDF.")
    c.showPage()
    c.save()


# ---------------------------------------------------------------- audio
@section("audio")
def audio():
    import soundfile as sf

    sr = 8000
    n = sr // 10 if not FULL else sr * 3
    t = np.arange(n) / sr
    x = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    (P("audio")).mkdir(parents=True, exist_ok=True)
    sf.write(P("audio/pcm16.wav"), x, sr, subtype="PCM_16")
    sf.write(P("audio/pcm24.wav"), x, sr, subtype="PCM_24")
    if FULL:
        sf.write(P("audio/float.wav"), x, sr, subtype="FLOAT")
        sf.write(P("audio/stereo.wav"), np.stack([x, x[::-1]], 1), sr, subtype="PCM_16")
    sf.write(P("audio/u8.wav"), x, sr, subtype="PCM_U8")
    sf.write(P("audio/ulaw.wav"), x, sr, subtype="ULAW")
    sf.write(P("audio/sample.flac"), x, sr)
    sf.write(P("audio/sample.ogg"), x, sr, format="OGG", subtype="VORBIS")
    sf.write(P("audio/sample.aiff"), x, sr, format="AIFF")
    sf.write(P("audio/sample.au"), x, sr, format="AU")
    try:
        sf.write(P("audio/libsndfile.mp3"), x, sr, format="MP3")
    except Exception:
        pass
    try:
        sf.write(P("audio/libsndfile.opus"), x, 48000, format="OGG", subtype="OPUS")
    except Exception:
        pass
    src = str(P("audio/pcm16.wav"))
    if have("sox"):
        run("sox", src, str(P("audio/sox.aiff")))
        run("sox", src, "-b", "24", str(P("audio/sox-24.wav")))
        run("sox", src, "-r", "16000", str(P("audio/sox-16k.flac")))
    if have("flac") and FULL:
        run("flac", "-s", "-f", "-o", str(P("audio/cli.flac")), src)
    if have("lame"):
        run("lame", "--quiet", src, str(P("audio/cli.mp3")))
        run("lame", "--quiet", "--tt", "Title", "--ta", "Artist", "--add-id3v2", src, str(P("audio/tagged.mp3")))
    if have("opusenc"):
        run("opusenc", "--quiet", src, str(P("audio/cli.opus")))
    if have("oggenc"):
        run("oggenc", "-Q", "-o", str(P("audio/cli.ogg")), src)


# ---------------------------------------------------------------- fonts
@section("fonts")
def fonts():
    # A font of our own (fontTools' FontBuilder: two box glyphs), so the committed files carry no third-party licence;
    # --full also subsets Debian's DejaVu Sans (kept out of the committed set).
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0))
        pen.lineTo((50, 700))
        pen.lineTo((450, 700))
        pen.lineTo((450, 0))
        pen.closePath()
        return pen.glyph()

    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", "m"])
    fb.setupCharacterMap({ord("m"): "m"})
    fb.setupGlyf({".notdef": box(), "m": box()})
    fb.setupHorizontalMetrics({".notdef": (500, 50), "m": (500, 50)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Survey Box", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.updateHead(created=0, modified=0)
    buf = io.BytesIO()
    fb.save(buf)
    for flavor, name in ((None, "font.ttf"), ("woff", "font.woff"), ("woff2", "font.woff2")):
        f = TTFont(io.BytesIO(buf.getvalue()), recalcTimestamp=False)
        f.flavor = flavor
        f.save(P(f"assets/{name}"))
    if FULL:
        from fontTools import subset

        opts = subset.Options()
        for flavor, name in ((None, "dejavu.ttf"), ("woff", "dejavu.woff"), ("woff2", "dejavu.woff2")):
            f = TTFont("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", recalcTimestamp=False)
            opts.flavor = flavor
            sub = subset.Subsetter(opts)
            sub.populate(text="modelguard")
            sub.subset(f)
            f.flavor = flavor
            f.save(P(f"assets/{name}"))


# ---------------------------------------------------------------- text in many encodings
@section("text")
def text():
    card = "# Model card\n\nA small model. Ünïcödé, 中文, 日本語, 한국어, emoji 🤗.\n\n| metric | value |\n|---|---|\n| acc | 0.91 |\n"
    write("README.md", "---\nlicense: apache-2.0\nlanguage:\n- en\n- zh\ntags:\n- text-classification\n---\n" + card)
    write("docs/utf16le-bom.txt", b"\xff\xfe" + card.encode("utf-16-le"))
    write("docs/utf16be-bom.txt", b"\xfe\xff" + card.encode("utf-16-be"))
    write("docs/utf8-bom.md", b"\xef\xbb\xbf" + card.encode())
    write("docs/latin1.txt", "Café, naïve, déjà vu, ½ £ ©\n".encode("latin-1") * 3)
    write("docs/cp1252.csv", "name,quote\nx,“smart” – dash €\n".encode("cp1252"))
    write("docs/shift_jis.txt", "日本語のテキストです。\n機械学習モデル\n".encode("shift_jis"))
    write("docs/gbk.txt", "中文文本，机器学习模型。\n".encode("gbk"))
    write("docs/euc-kr.txt", "한국어 텍스트\n".encode("euc-kr"))
    write("docs/crlf.txt", "line one\r\nline two\r\n")
    write("docs/index.rst", "Model\n=====\n\n.. code-block:: python\n\n   from transformers import AutoModel\n   model = AutoModel.from_pretrained('org/model')\n")
    write("LICENSE", "                                 Apache License\n                           Version 2.0, January 2004\n\n   TERMS AND CONDITIONS FOR USE\n" * 3)
    write("NOTICE", "This product includes software developed by others.\n")
    write("CITATION.cff", "cff-version: 1.2.0\ntitle: model\nauthors:\n  - family-names: Doe\n    given-names: J\n")
    write(".gitattributes", "*.7z filter=lfs diff=lfs merge=lfs -text\n*.bin filter=lfs diff=lfs merge=lfs -text\n*.safetensors filter=lfs diff=lfs merge=lfs -text\n*tfevents* filter=lfs diff=lfs merge=lfs -text\n")
    # (The committed set's .gitignore would apply to this checkout too: it names nothing the set holds.)
    write(".gitignore", "__pycache__/\n*.pyc\nwandb/\n.DS_Store\n" + ("runs/\n" if FULL else ""))
    write("requirements.txt", "torch>=1.13\ntransformers==4.30.2\nnumpy\n")
    write("data/train.csv", "text,label\n" + "".join(f"sample {i},{i % 2}\n" for i in range(40)))
    write("data/train.tsv", "text\tlabel\n" + "".join(f"sample {i}\t{i % 3}\n" for i in range(40)))
    write("data/train.jsonl", "".join(json.dumps({"text": f"example {i}", "label": i % 2}) + "\n" for i in range(40)))
    write("data/utf8-cjk.jsonl", "".join(json.dumps({"text": "今日は良い天気です", "id": i}, ensure_ascii=False) + "\n" for i in range(10)))
    write("config.yaml", "model:\n  name: resnet18\n  num_classes: 10\ntrainer:\n  max_epochs: 3\n  precision: 16\noptimizer:\n  lr: 0.001\n")
    write("pyproject.toml", '[project]\nname = "model"\nversion = "0.1.0"\ndependencies = ["torch"]\n')
    write("setup.cfg", "[metadata]\nname = model\n\n[flake8]\nmax-line-length = 120\n")
    write("tox.ini", "[tox]\nenvlist = py311\n")
    write("MLmodel", "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pytorch\n    python_version: 3.11.2\n")
    write("conda.yaml", "channels:\n- conda-forge\ndependencies:\n- python=3.11\n- pip:\n  - torch\nname: mlflow-env\n")
    write("assets/style.css", "body { font-family: sans-serif; }\n.card { margin: 1em; }\n")
    write("assets/app.js", "document.addEventListener('DOMContentLoaded', () => { console.log('demo'); });\n")
    write("assets/index.html", "<!doctype html>\n<html><head><meta charset=utf-8><title>Demo</title></head><body><h1>Demo</h1></body></html>\n")
    write("assets/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#f80"/></svg>\n')
    write("Dockerfile", "FROM python:3.11-slim\nRUN pip install torch\nCOPY . /app\n")
    write("Makefile", "train:\n\tpython train.py --config config.yaml\n")
    write("scripts/train.sh", "#!/bin/sh\nset -e\npython train.py \"$@\"\n")
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Demo\n"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["0.91\n"]}], "source": ["import numpy as np\n", "print(round(0.912, 2))\n"]},
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    write("notebooks/demo.ipynb", json.dumps(nb, indent=1) + "\n")


# ---------------------------------------------------------------- hub configs, tokenizers
@section("tokenizers")
def tokenizers():
    write("config.json", json.dumps({"architectures": ["BertForSequenceClassification"], "hidden_size": 32, "model_type": "bert", "torch_dtype": "float32", "transformers_version": "4.30.2"}, indent=2) + "\n")
    write("generation_config.json", json.dumps({"bos_token_id": 1, "eos_token_id": 2, "transformers_version": "4.30.2"}, indent=2) + "\n")
    # A clone made without `git lfs pull`: the shard indexes beside the LFS pointers of their shards.
    write("lfs-clone/config.json", json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama"}, indent=2) + "\n")
    write("lfs-clone/model.safetensors.index.json", json.dumps({"metadata": {"total_size": 1024}, "weight_map": {"embed.weight": "model-00001-of-00002.safetensors", "lm_head.weight": "model-00002-of-00002.safetensors"}}, indent=2) + "\n")
    write("lfs-clone/pytorch_model.bin.index.json", json.dumps({"metadata": {"total_size": 1024}, "weight_map": {"embed.weight": "pytorch_model-00001-of-00001.bin"}}, indent=2) + "\n")
    for i, name in enumerate(("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "pytorch_model-00001-of-00001.bin")):
        write(f"lfs-clone/{name}", "version https://git-lfs.github.com/spec/v1\noid sha256:" + f"{i:02x}" * 32 + f"\nsize {512 + i}\n")
    vocab = {t: i for i, t in enumerate(["<s>", "</s>", "<unk>", "Ġthe", "Ġa", "ing", "er", "Ġmodel", "Ġ", "t", "h", "e"])}
    write("tokenizer/vocab.json", json.dumps(vocab, ensure_ascii=False) + "\n")
    write("tokenizer/merges.txt", "#version: 0.2\nĠ t\nĠt h\nĠth e\ni ng\ne r\n")
    write("tokenizer/special_tokens_map.json", json.dumps({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}) + "\n")
    write("tokenizer/added_tokens.json", json.dumps({"<mask>": 12}) + "\n")
    write("tokenizer/tokenizer_config.json", json.dumps({"model_max_length": 512, "tokenizer_class": "GPT2Tokenizer", "chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}"}, indent=2) + "\n")
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": 0, "content": "<s>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}],
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel"},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None, "end_of_word_suffix": None, "fuse_unk": False, "vocab": vocab, "merges": ["Ġ t", "Ġt h"]},
    }
    write("tokenizer/tokenizer.json", json.dumps(tok, indent=2, ensure_ascii=False) + "\n")
    # tiktoken's BPE rank file: base64 token, space, rank.
    toks = [bytes([b]) for b in range(256)] + [b" the", b"ing", b" model", "中".encode()]
    write("tokenizer/cl100k_like.tiktoken", "".join(f"{base64.b64encode(t).decode()} {i}\n" for i, t in enumerate(toks)))
    write("tokenizer/vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\n##ing\n")
    try:
        if not FULL:
            raise ImportError("sentencepiece: only in --full (its model carries a 200 KB normaliser table; benign-breadth keeps one)")
        import sentencepiece as spm

        corpus = P("tokenizer/.spm-corpus.txt")
        corpus.write_text("".join(f"the model reads sentence number {i} and learns pieces\n" for i in range(200)))
        spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(P("tokenizer/spiece")), vocab_size=40, minloglevel=2, num_threads=1)
        corpus.unlink()
    except ImportError:
        pass


# ---------------------------------------------------------------- arrays, tables, checkpoints
@section("numpy")
def arrays():
    a = rng.standard_normal((8, 4)).astype(np.float32)
    np.savez(P("arrays/plain.npz"), weights=a, bias=np.zeros(4, np.float32), ids=np.arange(8))
    np.savez_compressed(P("arrays/compressed.npz"), emb=a)
    np.save(P("arrays/labels.npy"), np.arange(16, dtype=np.int64))
    np.save(P("arrays/strings.npy"), np.array(["cat", "dog"]))
    np.savetxt(P("arrays/matrix.txt"), a)
    write("data/train.csv.gz", gzip.compress(b"text,label\nhello,1\n" * 20, mtime=0))
    write("data/train.jsonl.bz2", bz2.compress(b'{"a": 1}\n' * 20))
    write("data/train.jsonl.xz", lzma.compress(b'{"a": 1}\n' * 20))


@section("hdf5")
def hdf5():
    import h5py

    (P("hdf5")).mkdir(parents=True, exist_ok=True)
    with h5py.File(P("hdf5/features.h5"), "w") as f:
        f.create_dataset("x", data=rng.standard_normal((16, 4)).astype(np.float32), compression="gzip")
        f.attrs["description"] = "features"
    try:
        import pandas as pd

        df = pd.DataFrame({"a": np.arange(5), "b": np.linspace(0, 1, 5)})
        df.to_hdf(P("hdf5/frame-fixed.h5"), key="df", mode="w", format="fixed")
        if FULL:
            df.to_hdf(P("hdf5/frame-table.h5"), key="df", mode="w", format="table")
    except ImportError:
        pass
    try:
        import tables

        with tables.open_file(str(P("hdf5/pytables.h5")), "w") as f:
            f.create_array("/", "arr", np.arange(10))
    except ImportError:
        pass


@section("torch")
def checkpoints():
    import torch

    torch.manual_seed(0)
    lin = torch.nn.Linear(4, 2)
    opt = torch.optim.AdamW(lin.parameters(), lr=1e-3)
    lin(torch.randn(3, 4)).sum().backward()
    opt.step()
    sched = torch.optim.lr_scheduler.StepLR(opt, 1)
    (P("checkpoints")).mkdir(parents=True, exist_ok=True)
    # What PyTorch Lightning's trainer.save_checkpoint writes (plain containers, its callbacks keyed by strings).
    ckpt = {
        "epoch": 3,
        "global_step": 120,
        "pytorch-lightning_version": "2.0.2",
        "state_dict": {f"model.{k}": v for k, v in lin.state_dict().items()},
        "loops": {"fit_loop": {"state_dict": {}, "epoch_progress": {"total": {"ready": 4, "completed": 3}}}},
        "callbacks": {"ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min', 'every_n_train_steps': 0}": {"monitor": "val_loss", "best_model_score": torch.tensor(0.25), "best_model_path": "/runs/epoch=3.ckpt", "current_score": torch.tensor(0.25), "dirpath": "/runs", "best_k_models": {}, "kth_best_model_path": "", "last_model_path": ""}},
        "optimizer_states": [opt.state_dict()],
        "lr_schedulers": [sched.state_dict()],
        "hparams_name": "kwargs",
        "hyper_parameters": {"lr": 1e-3, "hidden": 4},
    }
    torch.save(ckpt, P("checkpoints/epoch=3-step=120.ckpt"))
    # transformers Trainer's checkpoint folder.
    torch.save(opt.state_dict(), P("checkpoints/optimizer.pt"))
    torch.save(sched.state_dict(), P("checkpoints/scheduler.pt"))
    import random

    random.seed(0)
    torch.save({"python": random.getstate(), "numpy": np.random.get_state(), "cpu": torch.random.get_rng_state()}, P("checkpoints/rng_state.pth"))
    write("checkpoints/trainer_state.json", json.dumps({"best_metric": 0.25, "epoch": 3.0, "global_step": 120, "log_history": [{"loss": 0.5, "step": 10}]}, indent=2) + "\n")
    torch.save(lin.state_dict(), P("checkpoints/pytorch_model-00001-of-00002.bin"))
    torch.save({"model": lin.state_dict(), "args": {"lr": 0.001}}, P("checkpoints/model_best.pth.tar"))


@section("sklearn")
def sklearn_models():
    import joblib
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    X = rng.standard_normal((30, 3))
    y = (X[:, 0] > 0).astype(int)
    (P("sklearn")).mkdir(parents=True, exist_ok=True)
    joblib.dump(make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), P("sklearn/pipeline.joblib"))
    joblib.dump(DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y), P("sklearn/tree.joblib"), compress=3)


@section("onnx")
def onnx_models():
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(rng.standard_normal((4, 4)).astype(np.float32), "W")
    g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], [w])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    d = P("onnx")
    d.mkdir(parents=True, exist_ok=True)
    onnx.save(m, str(d / "model.onnx"))
    onnx.save_model(m, str(d / "model_ext.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location="model_ext.onnx_data", size_threshold=0)


# ---------------------------------------------------------------- word vectors, gensim
@section("gensim")
def word_vectors():
    from gensim.models import FastText, Word2Vec
    from gensim.models.fasttext import save_facebook_model

    sents = [["the", "model", "learns", "words"], ["words", "have", "vectors"], ["the", "vectors", "are", "small"]] * 5
    w2v = Word2Vec(sents, vector_size=8, min_count=1, workers=1, seed=0, epochs=2)
    d = P("vectors")
    d.mkdir(parents=True, exist_ok=True)
    w2v.wv.save_word2vec_format(str(d / "vectors.txt"), binary=False)
    w2v.wv.save_word2vec_format(str(d / "vectors.bin"), binary=True)
    (d / "vectors.vec").write_bytes((d / "vectors.txt").read_bytes())
    ft = FastText(sents, vector_size=8, min_count=1, workers=1, seed=0, epochs=2, bucket=64)
    save_facebook_model(ft, str(d / "fasttext.bin"))


# ---------------------------------------------------------------- TensorBoard events (TFRecord framing)
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(c):
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(num, wt, payload):
    key = varint((num << 3) | wt)
    if wt == 2:
        return key + varint(len(payload)) + payload
    return key + payload


@section("tensorboard")
def tensorboard():
    recs = [field(1, 1, struct.pack("<d", 1.7e9)) + field(3, 2, b"brain.Event:2")]
    for step in range(1, 6 if not FULL else 200):
        value = field(1, 2, b"train/loss") + field(2, 5, struct.pack("<f", 1.0 / step))
        recs.append(field(1, 1, struct.pack("<d", 1.7e9 + step)) + field(2, 0, varint(step)) + field(5, 2, field(1, 2, value)))
    out = bytearray()
    for r in recs:
        n = struct.pack("<Q", len(r))
        out += n + struct.pack("<I", masked(crc32c(n))) + r + struct.pack("<I", masked(crc32c(r)))
    write("runs/Jan01_00-00-00_host/events.out.tfevents.1700000000.host.1234.0", bytes(out))


# ---------------------------------------------------------------- vector stores, databases
@section("hnswlib")
def vector_stores():
    import hnswlib

    d = P("vectordb")
    d.mkdir(parents=True, exist_ok=True)
    idx = hnswlib.Index(space="cosine", dim=8)
    idx.init_index(max_elements=64, M=8, ef_construction=50, random_seed=1)
    idx.add_items(rng.standard_normal((40, 8)).astype(np.float32), np.arange(40))
    idx.save_index(str(d / "hnswlib.index"))
    # Chroma's persistent segment (chroma-hnswlib's persistDirty, described in its hnswalg.h): the same header as
    # saveIndex behind an int32 persistence version (header.bin), the level-0 block (data_level0.bin), one float32
    # norm per element (length.bin) and each element's u32 size and upper-level links (link_lists.bin). Debian's
    # hnswlib is upstream's, so the folder is cut from its single-file index.
    raw = (d / "hnswlib.index").read_bytes()
    hdr = raw[:96]
    size_per = struct.unpack_from("<Q", hdr, 24)[0]
    count = struct.unpack_from("<Q", hdr, 16)[0]
    seg = d / "3f6c1a2e-5b0d-4c41-9a57-2d0c8f1e7b44"
    seg.mkdir(exist_ok=True)
    (seg / "header.bin").write_bytes(struct.pack("<i", 1) + hdr)
    (seg / "data_level0.bin").write_bytes(raw[96 : 96 + count * size_per])
    (seg / "length.bin").write_bytes(np.linalg.norm(rng.standard_normal((count, 8)), axis=1).astype(np.float32).tobytes())
    (seg / "link_lists.bin").write_bytes(raw[96 + count * size_per :])


@section("sqlite")
def databases():
    p = P("vectordb/chroma.sqlite3")
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.exists():
        p.unlink()
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE embeddings (id INTEGER PRIMARY KEY, segment_id TEXT, embedding_id TEXT, seq_id BLOB, created_at TIMESTAMP)")
    con.executemany("INSERT INTO embeddings (segment_id, embedding_id, seq_id) VALUES (?, ?, ?)", [("seg", f"id{i}", struct.pack(">q", i)) for i in range(20)])
    con.commit()
    con.close()
    if not FULL:
        return
    q = P("mlruns/mlflow.db")
    q.parent.mkdir(parents=True, exist_ok=True)
    if q.exists():
        q.unlink()
    con = sqlite3.connect(q)
    con.execute("CREATE TABLE metrics (key TEXT, value REAL, step INTEGER)")
    con.executemany("INSERT INTO metrics VALUES (?, ?, ?)", [("loss", 1.0 / (i + 1), i) for i in range(20)])
    con.commit()
    con.close()


# ---------------------------------------------------------------- nanoGPT
@section("nanogpt")
def nanogpt():
    d = P("nanogpt/shakespeare_char")
    d.mkdir(parents=True, exist_ok=True)
    text = "First Citizen:\nBefore we proceed any further, hear me speak.\n" * (30 if not FULL else 400)
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    ids = np.array([stoi[c] for c in text], dtype=np.uint16)
    ids[: len(ids) * 9 // 10].tofile(d / "train.bin")
    ids[len(ids) * 9 // 10 :].tofile(d / "val.bin")
    with open(d / "meta.pkl", "wb") as f:
        pickle.dump({"vocab_size": len(chars), "itos": {i: c for i, c in enumerate(chars)}, "stoi": stoi}, f)
    write("nanogpt/shakespeare_char/input.txt", text)
    # nanoGPT's openwebtext prepare.py: GPT-2 BPE ids (tiktoken, vocabulary 50257) as uint16.
    if FULL:
        zipf = np.minimum(rng.zipf(1.3, 20000), 50256).astype(np.uint16)
        zipf.tofile(P("nanogpt/openwebtext/train.bin"))
        # An int8-quantized tensor and a uint8 image tensor dumped with tofile, named by no model.
        np.clip(rng.standard_normal(4096) * 40, -127, 127).astype(np.int8).tofile(P("raw/weights-int8.bin"))
        (rng.rand(32, 32, 3) * 255).astype(np.uint8).tofile(P("raw/image-u8.bin"))


# ---------------------------------------------------------------- git repository, LFS pointers, archives
@section("git")
def git_repo():
    if not have("git"):
        return
    repo = P("gitrepo")
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    env = dict(os.environ, GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@example.org", GIT_COMMITTER_NAME="A", GIT_COMMITTER_EMAIL="a@example.org", GIT_AUTHOR_DATE="2024-01-01T00:00:00Z", GIT_COMMITTER_DATE="2024-01-01T00:00:00Z", GIT_CONFIG_NOSYSTEM="1", HOME=str(repo))
    g = lambda *a: run("git", *a, cwd=repo, env=env)  # noqa: E731
    g("init", "-q", "-b", "main")
    # No background auto-gc racing the explicit repack below.
    g("config", "gc.auto", "0")
    g("config", "maintenance.auto", "false")
    (repo / "README.md").write_text("# repo\n")
    (repo / "config.json").write_text('{"a": 1}\n')
    (repo / "model.safetensors").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:" + "ab" * 32 + "\nsize 1048576\n")
    g("add", ".")
    g("commit", "-q", "-m", "initial")
    (repo / "README.md").write_text("# repo\n\nmore\n")
    g("commit", "-q", "-am", "second")
    g("tag", "-a", "v1", "-m", "release")
    g("checkout", "-q", "-b", "feature")
    (repo / "notes.txt").write_text("notes\n")
    g("add", ".")
    g("commit", "-q", "-m", "feature")
    g("checkout", "-q", "main")
    g("merge", "-q", "--no-ff", "-m", "merge", "feature")
    g("reset", "-q", "--soft", "HEAD~1")
    g("commit", "-q", "-m", "again")
    g("-c", "pack.writeReverseIndex=true", "repack", "-q", "-a", "-d", "-b")
    g("commit-graph", "write", "--reachable")
    g("multi-pack-index", "write")
    (repo / "loose.txt").write_text("a loose object after the pack\n")
    g("add", "loose.txt")
    g("commit", "-q", "-m", "loose")
    g("pack-refs", "--all")
    # The hook samples are whatever git ships; they are ordinary files of every clone and stay.
    if not FULL:
        # A repository cannot track another's .git folder: the committed set keeps it as `dotgit` (content decides, not names).
        shutil.rmtree(repo / ".git" / "hooks")
        os.rename(repo / ".git", repo / "dotgit")


@section("archives")
def archives():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("data/train.csv", "text,label\nhello,1\n"), ("README.md", "# data\n")):
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    write("archives/data.zip", buf.getvalue())
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in (("config.json", b'{"a": 1}\n'), ("vocab.txt", b"a\nb\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    write("archives/model.tar.gz", gzip.compress(buf.getvalue(), mtime=0))
    write("lfs/pytorch_model.bin", "version https://git-lfs.github.com/spec/v1\noid sha256:" + "cd" * 32 + "\nsize 438000000\n")
    write("lfs/model.safetensors", "version https://git-lfs.github.com/spec/v1\noid sha256:" + "ef" * 32 + "\nsize 1048576\n")
    if FULL:
        write(".cache/huggingface/.gitignore", "*\n")
    write(".locks/models--org--model/" + "ab" * 20 + ".lock", b"")


# ---------------------------------------------------------------- classic data set files
@section("datasets")
def dataset_files():
    # MNIST's IDX files (yann.lecun.com/exdb/mnist): a big-endian magic of type code and rank, the dimensions, the data.
    n = 4 if not FULL else 200
    imgs = (rng.rand(n, 28, 28) * 255).astype(np.uint8)
    labels = rng.randint(0, 10, n).astype(np.uint8)
    idx3 = struct.pack(">IIII", 0x803, n, 28, 28) + imgs.tobytes()
    idx1 = struct.pack(">II", 0x801, n) + labels.tobytes()
    write("mnist/raw/train-images-idx3-ubyte", idx3)
    write("mnist/raw/train-labels-idx1-ubyte", idx1)
    write("mnist/raw/t10k-labels-idx1-ubyte.gz", gzip.compress(idx1, mtime=0))
    write("mnist/raw/features-idx2-float", struct.pack(">III", 0x00000D02, 8, 4) + rng.standard_normal((8, 4)).astype(">f4").tobytes())
    # MATLAB v5 .mat (scipy.io.savemat), common in older vision and signal data sets.
    import scipy.io

    scipy.io.savemat(P("matlab/data.mat"), {"X": rng.standard_normal((6, 3)), "y": np.arange(6), "name": "set"})
    scipy.io.savemat(P("matlab/compressed.mat"), {"X": rng.standard_normal((6, 3))}, do_compression=True)
    # NetCDF 3 classic (scipy.io.netcdf_file): climate and geoscience data sets.
    with scipy.io.netcdf_file(P("netcdf/era5-sample.nc"), "w") as nc:
        nc.createDimension("time", 4)
        v = nc.createVariable("t2m", "f4", ("time",))
        v[:] = np.arange(4, dtype=np.float32)
        v.units = "K"
    # Record variables along an unlimited dimension, beside a fixed one.
    with scipy.io.netcdf_file(P("netcdf/records.nc"), "w") as nc:
        nc.history = "made by the survey"
        nc.createDimension("step", None)
        nc.createDimension("lat", 3)
        lat = nc.createVariable("lat", "f8", ("lat",))
        lat[:] = [10.0, 20.0, 30.0]
        a = nc.createVariable("loss", "f4", ("step",))
        b = nc.createVariable("grid", "i2", ("step", "lat"))
        a[:5] = np.linspace(1, 0, 5)
        b[:5] = np.arange(15).reshape(5, 3)
    # Zip members compressed every way Python's zipfile can; tar with bzip2 and xz.
    for comp, name in ((zipfile.ZIP_STORED, "stored"), (zipfile.ZIP_BZIP2, "bzip2"), (zipfile.ZIP_LZMA, "lzma")):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", comp) as z:
            z.writestr(zipfile.ZipInfo("labels.csv", date_time=(2024, 1, 1, 0, 0, 0)), "id,label\n1,cat\n" * 10, comp)
        write(f"archives/{name}.zip", buf.getvalue())
    for mode, ext in (("w:bz2", "tar.bz2"), ("w:xz", "tar.xz")) + ((("w", "tar"),) if FULL else ()):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode=mode) as t:
            info = tarfile.TarInfo("data/labels.csv")
            data = b"id,label\n1,cat\n"
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        write(f"archives/data.{ext}", buf.getvalue())
    if have("zstd"):
        # The Pile-style .jsonl.zst shards, a .tar.zst, and a pandas pickle of plain data (`to_pickle` infers zstd
        # from the suffix; `read_pickle` decompresses and unpickles, so the content is what gets judged).
        rows = b"".join(json.dumps({"text": f"line {i}", "meta": {"source": "survey"}}).encode() + b"\n" for i in range(60))
        write("data/shard-00000.jsonl.zst", subprocess.run(["zstd", "-q", "-c", "-19"], input=rows, stdout=subprocess.PIPE, check=True).stdout)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as t:
            info = tarfile.TarInfo("data/labels.csv")
            data = b"id,label\n1,cat\n"
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        write("archives/data.tar.zst", subprocess.run(["zstd", "-q", "-c", "-10"], input=buf.getvalue(), stdout=subprocess.PIPE, check=True).stdout)
        try:
            import pandas as pd
            import zstandard  # noqa: F401 (pandas needs it for .zst)

            pd.to_pickle({"classes": ["cat", "dog"], "mean": [0.5, 0.5, 0.5]}, P("data/meta.pkl.zst"))
        except ImportError as e:
            print(f"skipped data/meta.pkl.zst: {e}", file=sys.stderr)
        if FULL:
            write("archives/shard.jsonl.zst", subprocess.run(["zstd", "-q", "-c", "-3", "--long=27"], input=rows * 20, stdout=subprocess.PIPE, check=True).stdout)


@section("lmdb")
def lmdb_env():
    import lmdb

    d = P("lmdb/train_lmdb/x").parent
    env = lmdb.open(str(d), map_size=1 << 20)
    with env.begin(write=True) as txn:
        for i in range(10):
            txn.put(f"{i:08d}".encode(), bytes(rng.randint(0, 256, 64).astype(np.uint8)))
    env.close()


@section("office")
def office():
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["model", "accuracy"])
    ws.append(["resnet18", 0.91])
    wb.save(P("results/results.xlsx"))


@section("zarr")
def zarr_store():
    if not FULL:
        return
    # Blosc chunks: zarr unpickles a chunk when .zarray lists a Pickle filter, so a chunk alone stays unscannable.
    import zarr

    z = zarr.open(str(P("zarr/emb.zarr/x").parent), mode="w", shape=(16, 8), chunks=(8, 8), dtype="f4")
    z[:] = rng.standard_normal((16, 8)).astype(np.float32)


@section("video")
def video():
    # mkvmerge wraps the Opus/Vorbis audio made above into Matroska/WebM containers.
    if have("mkvmerge") and (OUT / "audio/cli.opus").exists():
        run("mkvmerge", "-q", "-o", str(P("media/clip.webm")), "--webm", str(OUT / "audio/cli.opus"))
        if FULL:
            run("mkvmerge", "-q", "-o", str(P("media/clip.mka")), str(OUT / "audio/sample.ogg"))


@section("iso-media")
def iso_media():
    # ffmpeg (MP4 as H.264/HEVC, QuickTime MOV, AVI, M4A with AAC/ALAC, 3GP, fragmented MP4) and libheif's heif-enc
    # (HEIC, AVIF): demo videos, speech clips and phone photos. Tiny test patterns, bit-exact where ffmpeg allows.
    if not have("ffmpeg"):
        return
    ff = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    video = ["-f", "lavfi", "-i", "testsrc=size=32x24:rate=5", "-t", "0.4"]
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.2"]
    exact = ["-fflags", "+bitexact", "-flags", "+bitexact", "-map_metadata", "-1"]
    run(*ff, *video, "-c:v", "libx264", "-pix_fmt", "yuv420p", *exact, str(P("media/demo.mp4")))
    run(*ff, *video, "-c:v", "mpeg4", *exact, str(P("media/demo.mov")))
    run(*ff, *tone, "-c:a", "aac", *exact, str(P("audio/speech.m4a")))
    # AVI, the clips of UCF101/HMDB51-style action-recognition sets.
    run(*ff, *video, "-c:v", "mpeg4", *exact, str(P("media/clip.avi")))
    if FULL:
        run(*ff, *video, *tone, "-c:v", "libx264", "-c:a", "aac", "-shortest", "-movflags", "+faststart", *exact, str(P("media/av-faststart.mp4")))
        run(*ff, *video, "-c:v", "libx264", "-movflags", "frag_keyframe+empty_moov", *exact, str(P("media/fragmented.mp4")))
        run(*ff, *video, "-c:v", "libx265", *exact, str(P("media/hevc.mp4")))
        run(*ff, *video, "-c:v", "libx264", "-f", "3gp", *exact, str(P("media/clip.3gp")))
        run(*ff, *tone, "-c:a", "alac", *exact, str(P("audio/alac.m4a")))
        # Not ISO media nor AVI, for the survey table: what a repository may also hold.
        run(*ff, *video, "-c:v", "flv", *exact, str(P("media/clip.flv")))
        run(*ff, *video, "-c:v", "libx264", *exact, str(P("media/clip.ts")))
        run(*ff, *tone, "-c:a", "aac", "-f", "adts", *exact, str(P("audio/speech.aac")))
        run(*ff, *tone, "-c:a", "pcm_s16le", *exact, str(P("audio/speech.caf")))
        run(*ff, *tone, "-c:a", "wmav2", *exact, str(P("audio/speech.wma")))
        run(*ff, "-f", "lavfi", "-i", "testsrc=size=32x24", "-frames:v", "1", *exact, str(P("images/frame.jp2")))
        run(*ff, "-f", "lavfi", "-i", "testsrc=size=32x24", "-frames:v", "1", "-c:v", "exr", *exact, str(P("images/frame.exr")))
    if have("heif-enc"):
        src = OUT / "images/sample.png"
        if src.exists():
            run("heif-enc", "-q", "50", str(src), "-o", str(P("images/photo.heic")))
            run("heif-enc", "-A", "-q", "50", str(src), "-o", str(P("images/photo.avif")))


def main():
    # Every section ran when its decorator applied; report what was written.
    n = sum(1 for p in OUT.rglob("*") if p.is_file())
    print(f"{n} files in {OUT}")


main()
