#!/usr/bin/python3
"""Writes test/fixtures/benign-more/: what training runs and model
repositories write besides the weights, made by the real libraries
(Debian's torch 1.13, numpy, scipy, scikit-learn, joblib, h5py, PIL,
sentencepiece, msgpack, lz4, yaml), every file of which must scan `clean`
and every model folder too (`npm run eval`, test/scan/benign-more.test.ts).

- Trainer checkpoints: optimizer.pt, scheduler.pt, scaler.pt, rng_state.pth
  (Python, NumPy, torch CPU RNG states), trainer_state.json, as
  transformers' Trainer._save_checkpoint writes them (training_args.bin is
  left out: it pickles transformers' TrainingArguments, a class the scan
  rightly names as needing an import);
- Lightning-style .ckpt files: state_dict, loops, callbacks keyed by their
  state keys, optimizer and scheduler states, plain hyper_parameters;
- scikit-learn pipelines of common estimators (scaler, PCA, one-hot in a
  ColumnTransformer, TF-IDF + linear SVM, forests, boosting, k-means) in
  joblib and pickle files, SciPy sparse matrices (save_npz, joblib), NumPy
  .npy/.npz without objects, an HDF5 data file;
- a diffusers pipeline folder and a sentence-transformers folder with a
  Dense module saved by torch.save;
- tokenizer files (.tiktoken ranks, vocab.txt, merges.txt), a notebook
  with an image output, YAML/TOML/CSV/TSV, msgpack and lz4 frames, a PDF,
  shell and batch scripts, LICENSE and NOTICE files, AIFF and Sun audio.
Fixed seeds; fit timings in the searches' cv_results_ and the legacy
checkpoint's storage keys still change between runs.
"""
import base64
import io
import json
import os
import pickle
import random
import shutil
import sys
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "benign"))
import hf  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test" / "fixtures" / "benign-more"
torch.manual_seed(0)
rng = np.random.RandomState(7)
random.seed(7)


def w(rel, data):
    hf.write(OUT / rel, data)


def saved(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    return buf.getvalue()


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(8, 16)
        self.fc2 = torch.nn.Linear(16, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def trainer_run():
    model = Tiny()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0)
    for _ in range(3):
        loss = model(torch.randn(4, 8)).pow(2).mean()
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
    scaler = torch.cuda.amp.GradScaler(enabled=False)
    d = "trainer-run/checkpoint-500"
    w(f"{d}/optimizer.pt", saved(opt.state_dict()))
    w(f"{d}/scheduler.pt", saved(sched.state_dict()))
    w(f"{d}/scaler.pt", saved(scaler.state_dict()))
    w(f"{d}/rng_state.pth", saved({"python": random.getstate(), "numpy": np.random.get_state(), "cpu": torch.random.get_rng_state()}))
    w(f"{d}/pytorch_model.bin", saved(OrderedDict(model.state_dict())))
    w(f"{d}/config.json", hf.config_json({"architectures": ["TinyForSequenceClassification"], "model_type": "bert", "hidden_size": 16}))
    w(f"{d}/trainer_state.json", json.dumps({
        "best_metric": 0.91, "best_model_checkpoint": "out/checkpoint-500", "epoch": 1.0, "eval_steps": 500, "global_step": 500,
        "is_hyper_param_search": False, "is_local_process_zero": True, "is_world_process_zero": True,
        "log_history": [{"epoch": 0.5, "grad_norm": 1.93, "learning_rate": 2.5e-05, "loss": 0.6931, "step": 250},
                        {"epoch": 1.0, "eval_accuracy": 0.91, "eval_loss": 0.31, "eval_runtime": 2.1, "step": 500}],
        "logging_steps": 250, "max_steps": 500, "num_train_epochs": 1, "save_steps": 500, "total_flos": 1.2e12, "train_batch_size": 8,
        "trial_name": None, "trial_params": None,
    }, indent=2, sort_keys=True) + "\n")
    w("trainer-run/runs/README.md", "TensorBoard logs are written here.\n")
    w("trainer-run/all_results.json", json.dumps({"epoch": 1.0, "eval_accuracy": 0.91, "train_loss": 0.48}, indent=4))


def lightning():
    model = Tiny()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    ckpt = {
        "epoch": 3, "global_step": 400, "pytorch-lightning_version": "2.1.3",
        "state_dict": OrderedDict((f"model.{k}", v) for k, v in model.state_dict().items()),
        "loops": {"fit_loop": {"state_dict": {}, "epoch_loop.state_dict": {"_batches_that_stepped": 400},
                               "epoch_progress": {"total": {"ready": 4, "completed": 3}, "current": {"ready": 4, "completed": 3}}}},
        "callbacks": {
            "ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min', 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None}": {
                "monitor": "val_loss", "best_model_score": torch.tensor(0.2871), "best_model_path": "/runs/ckpt/epoch=3-step=400.ckpt",
                "current_score": torch.tensor(0.2871), "dirpath": "/runs/ckpt", "best_k_models": {"/runs/ckpt/epoch=3-step=400.ckpt": torch.tensor(0.2871)},
                "kth_best_model_path": "/runs/ckpt/epoch=3-step=400.ckpt", "kth_value": torch.tensor(0.2871), "last_model_path": "",
            },
            "EarlyStopping{'monitor': 'val_loss', 'mode': 'min'}": {"wait_count": 0, "stopped_epoch": 0, "best_score": torch.tensor(0.2871), "patience": 3},
            "LearningRateMonitor": {"lrs": {"lr-Adam": [0.001, 0.001, 0.0005]}},
        },
        "optimizer_states": [opt.state_dict()],
        "lr_schedulers": [sched.state_dict()],
        "hparams_name": "kwargs",
        "hyper_parameters": {"lr": 1e-3, "hidden": 16, "betas": (0.9, 0.999), "dropout": 0.1, "layers": [8, 16, 2], "activation": "relu", "scheduler": None},
    }
    w("lightning/checkpoints/epoch=3-step=400.ckpt", saved(ckpt))
    w("lightning/checkpoints/last.ckpt", saved(ckpt, _use_new_zipfile_serialization=False))
    w("lightning/hparams.yaml", "activation: relu\nbetas:\n- 0.9\n- 0.999\ndropout: 0.1\nhidden: 16\nlr: 0.001\n")
    w("lightning/metrics.csv", "epoch,step,train_loss,val_loss\n0,99,0.69,0.61\n1,199,0.52,0.44\n2,299,0.38,0.33\n3,399,0.31,0.29\n")


def sklearn_models():
    import joblib
    import scipy.sparse as sp
    from sklearn.cluster import KMeans
    from sklearn.compose import ColumnTransformer
    from sklearn.decomposition import PCA
    from sklearn.ensemble import GradientBoostingRegressor, RandomForestClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.svm import LinearSVC
    X = rng.rand(40, 4)
    y = (X[:, 0] > 0.5).astype(int)
    pipe = Pipeline([("scale", StandardScaler()), ("pca", PCA(n_components=2)), ("clf", LogisticRegression())]).fit(X, y)
    w("sklearn/pipeline.joblib", _joblib(pipe))
    texts = ["good model", "bad model", "great weights", "poor weights"] * 5
    text = Pipeline([("tfidf", TfidfVectorizer()), ("svm", LinearSVC())]).fit(texts, [1, 0, 1, 0] * 5)
    w("sklearn/text-classifier.pkl", pickle.dumps(text, protocol=4))
    cat = np.array([["a", 1.0], ["b", 2.0], ["a", 3.0], ["c", 4.0]] * 5, dtype=object)
    ct = Pipeline([("prep", ColumnTransformer([("onehot", OneHotEncoder(handle_unknown="ignore"), [0]), ("num", StandardScaler(), [1])])),
                   ("rf", RandomForestClassifier(n_estimators=3, random_state=0))]).fit(cat, [0, 1, 0, 1] * 5)
    w("sklearn/column-transformer.joblib", _joblib(ct))
    w("sklearn/gbr.joblib", _joblib(GradientBoostingRegressor(n_estimators=3).fit(X, X[:, 1])))
    w("sklearn/kmeans.pkl", pickle.dumps(KMeans(n_clusters=2, n_init=2, random_state=0).fit(X)))
    # Fitted searches keep their scorer: the default passthrough scorer, named scorers, make_scorer with keyword arguments.
    from sklearn.metrics import fbeta_score, make_scorer
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
    from sklearn.linear_model import Ridge
    w("sklearn/search/grid-default.joblib", _joblib(GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2).fit(X, y)))
    w("sklearn/search/grid-f1-macro.joblib", _joblib(GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2, scoring="f1_macro").fit(X, y)))
    w("sklearn/search/grid-fbeta.pkl", pickle.dumps(GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2, scoring=make_scorer(fbeta_score, beta=2)).fit(X, y)))
    w("sklearn/search/grid-multimetric.joblib", _joblib(GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2, scoring=["accuracy", "f1", "roc_auc"], refit="accuracy").fit(X, y)))
    w("sklearn/search/random-mse.joblib", _joblib(RandomizedSearchCV(Ridge(), {"alpha": [0.1, 1.0, 10.0]}, n_iter=2, cv=2, scoring="neg_mean_squared_error", random_state=0).fit(X, X[:, 1])))
    # The twin (outside this all-clean set): a scorer whose function is not a metric but a file reader.
    import sklearn.datasets
    twin = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2, scoring=make_scorer(fbeta_score, beta=2)).fit(X, y)
    twin.scorer_._score_func = sklearn.datasets.load_files
    hf.write(OUT.parent / "sklearn-search-twins" / "malicious__grid-scorer-load-files.joblib", _joblib(twin))
    m = sp.random(20, 30, density=0.1, format="csr", random_state=1)
    buf = io.BytesIO()
    sp.save_npz(buf, m)
    w("sklearn/features.npz", buf.getvalue())
    w("sklearn/features-csr.joblib", _joblib({"X": m, "coo": m.tocoo(), "csc": m.tocsc(), "labels": np.arange(20)}))
    buf = io.BytesIO()
    np.save(buf, rng.rand(4, 3).astype(np.float32))
    w("arrays/embeddings.npy", buf.getvalue())
    buf = io.BytesIO()
    np.savez_compressed(buf, ids=np.arange(10), scores=rng.rand(10))
    w("arrays/index.npz", buf.getvalue())


def _joblib(obj):
    import joblib
    buf = io.BytesIO()
    joblib.dump(obj, buf)
    return buf.getvalue()


def diffusers_folder():
    d = "diffusion-pipeline"
    w(f"{d}/model_index.json", json.dumps({
        "_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.21.4", "feature_extractor": ["transformers", "CLIPImageProcessor"],
        "requires_safety_checker": False, "safety_checker": [None, None], "scheduler": ["diffusers", "PNDMScheduler"],
        "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"],
    }, indent=2))
    w(f"{d}/scheduler/scheduler_config.json", json.dumps({
        "_class_name": "PNDMScheduler", "_diffusers_version": "0.21.4", "beta_end": 0.012, "beta_schedule": "scaled_linear",
        "beta_start": 0.00085, "num_train_timesteps": 1000, "prediction_type": "epsilon", "set_alpha_to_one": False,
        "skip_prk_steps": True, "steps_offset": 1, "timestep_spacing": "leading", "trained_betas": None,
    }, indent=2))
    w(f"{d}/unet/config.json", json.dumps({"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.21.4", "block_out_channels": [8, 16], "in_channels": 4, "out_channels": 4, "sample_size": 8}, indent=2))
    w(f"{d}/unet/diffusion_pytorch_model.safetensors", hf.safetensors_bytes({"conv_in.weight": rng.rand(8, 4, 3, 3).astype(np.float32), "conv_in.bias": rng.rand(8).astype(np.float32)}))
    w(f"{d}/vae/config.json", json.dumps({"_class_name": "AutoencoderKL", "_diffusers_version": "0.21.4", "latent_channels": 4, "scaling_factor": 0.18215}, indent=2))
    w(f"{d}/vae/diffusion_pytorch_model.safetensors", hf.safetensors_bytes({"encoder.conv_in.weight": rng.rand(8, 3, 3, 3).astype(np.float32)}))
    w(f"{d}/text_encoder/config.json", hf.config_json({"architectures": ["CLIPTextModel"], "hidden_size": 16, "model_type": "clip_text_model", "vocab_size": 49408}))
    w(f"{d}/text_encoder/model.safetensors", hf.safetensors_bytes({"text_model.embeddings.token_embedding.weight": rng.rand(32, 16).astype(np.float32)}))
    w(f"{d}/tokenizer/vocab.json", json.dumps({"<|startoftext|>": 0, "<|endoftext|>": 1, "a</w>": 2, "cat</w>": 3}))
    w(f"{d}/tokenizer/merges.txt", "#version: 0.2\nc a\nca t</w>\n")
    w(f"{d}/tokenizer/tokenizer_config.json", hf.tokenizer_json({"model_max_length": 77, "tokenizer_class": "CLIPTokenizer", "unk_token": "<|endoftext|>"}))
    w(f"{d}/tokenizer/special_tokens_map.json", hf.tokenizer_json({"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>"}))
    w(f"{d}/feature_extractor/preprocessor_config.json", hf.config_json({"crop_size": 224, "do_normalize": True, "image_processor_type": "CLIPImageProcessor", "size": 224}))


def sentence_transformers_folder():
    d = "sentence-transformer"
    w(f"{d}/modules.json", json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"},
        {"idx": 3, "name": "3", "path": "3_Normalize", "type": "sentence_transformers.models.Normalize"},
    ], indent=2))
    w(f"{d}/config_sentence_transformers.json", json.dumps({"__version__": {"sentence_transformers": "2.2.2", "transformers": "4.35.2", "pytorch": "2.1.0"}, "prompts": {}, "default_prompt_name": None}, indent=2))
    w(f"{d}/sentence_bert_config.json", json.dumps({"max_seq_length": 128, "do_lower_case": False}, indent=2))
    w(f"{d}/config.json", hf.config_json({"architectures": ["BertModel"], "hidden_size": 16, "model_type": "bert", "vocab_size": 30}))
    w(f"{d}/model.safetensors", hf.safetensors_bytes({"embeddings.word_embeddings.weight": rng.rand(30, 16).astype(np.float32)}))
    w(f"{d}/1_Pooling/config.json", json.dumps({"word_embedding_dimension": 16, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}, indent=4))
    w(f"{d}/2_Dense/config.json", json.dumps({"in_features": 16, "out_features": 8, "bias": True, "activation_function": "torch.nn.modules.activation.Tanh"}))
    dense = torch.nn.Linear(16, 8)
    w(f"{d}/2_Dense/pytorch_model.bin", saved({"linear.weight": dense.weight.detach(), "linear.bias": dense.bias.detach()}))
    w(f"{d}/3_Normalize/.gitkeep", "")
    w(f"{d}/vocab.txt", "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"tok{i}" for i in range(25)]) + "\n")


def tokenizers_and_text():
    w("tokenizers/cl100k_like.tiktoken", "".join(f"{base64.b64encode(bytes([b])).decode()} {b}\n" for b in range(256)))
    w("tokenizers/merges.txt", "#version: 0.2\nĠ t\nĠ a\nh e\nĠt he\n")
    w("tokenizers/vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n##ing\nthe\n")
    png = io.BytesIO()
    from PIL import Image
    Image.fromarray((rng.rand(8, 8, 3) * 255).astype(np.uint8)).save(png, format="PNG")
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Fine-tuning\n", "Loads the model and plots the loss."]},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["loss 0.31\n"]}],
         "source": ["import torch\n", "model = torch.load('model.pt', weights_only=True)\n"]},
        {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [{"data": {"image/png": base64.b64encode(png.getvalue()).decode(), "text/plain": ["<Figure size 640x480>"]}, "metadata": {}, "output_type": "display_data"}],
         "source": ["plt.plot(losses)"]},
    ], "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python", "version": "3.11.2"}},
        "nbformat": 4, "nbformat_minor": 5}
    w("notebooks/finetune.ipynb", json.dumps(nb, indent=1) + "\n")
    w("configs/train.yaml", "model:\n  name: bert-base-uncased\n  dropout: 0.1\ntrainer:\n  max_epochs: 3\n  precision: bf16-mixed\ndata:\n  path: ./data\n  batch_size: 32\n")
    w("configs/pyproject.toml", "[project]\nname = \"tiny-model\"\nversion = \"0.1.0\"\ndependencies = [\"torch>=2.0\", \"transformers\"]\n\n[tool.ruff]\nline-length = 120\n")
    w("data/labels.tsv", "id\tlabel\n0\tnegative\n1\tpositive\n")
    w("data/eval.csv", "text,label\n\"a fine model\",1\n\"not great, honestly\",0\n")
    import msgpack
    w("data/stats.msgpack", msgpack.packb({"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "count": 12000}))
    import lz4.frame
    w("data/shard-000.jsonl.lz4", lz4.frame.compress(b"".join(json.dumps({"text": f"row {i}"}).encode() + b"\n" for i in range(50))))
    w("docs/model-card.pdf", _pdf("Model card: tiny classifier"))
    w("scripts/train.sh", "#!/usr/bin/env bash\nset -euo pipefail\naccelerate launch train.py --config configs/train.yaml \"$@\"\n")
    w("scripts/train.bat", "@echo off\r\npython train.py --config configs\\train.yaml %*\r\n")
    w("LICENSE", "MIT License\n\nCopyright (c) 2024 Example Org\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction.\n")
    w("NOTICE", "This product includes software developed by Example Org.\n")
    import h5py
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_dataset("embeddings", data=rng.rand(10, 4).astype(np.float32))
        f.attrs["description"] = "sentence embeddings"
    w("arrays/embeddings.h5", buf.getvalue())


def audio():
    """AIFF and Sun audio, as speech and music corpora still ship them (Python's own aifc and sunau writers)."""
    import warnings
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    import aifc
    import sunau
    frames = b"".join(int(3000 * np.sin(i / 10)).to_bytes(2, "big", signed=True) for i in range(800))
    import tempfile
    for name, mod in (("media/clip.aiff", aifc), ("media/clip.au", sunau)):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "clip")
            f = mod.open(path, "wb")
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(16000)
            f.writeframes(frames)
            f.close()
            w(name, Path(path).read_bytes())


def _pdf(title):
    """A minimal PDF 1.4 with one page of text and a correct cross-reference table."""
    content = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode() + b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def main():
    for d in (OUT, OUT.parent / "sklearn-search-twins"):
        if d.exists():
            shutil.rmtree(d)
    trainer_run()
    lightning()
    sklearn_models()
    diffusers_folder()
    sentence_transformers_folder()
    tokenizers_and_text()
    audio()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
