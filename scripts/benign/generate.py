#!/usr/bin/python3
"""Writes test/fixtures/benign-repos/: ordinary files of model repositories.

Run with Debian's interpreter (it has numpy, torch, PIL, sentencepiece,
onnx, yaml): `/usr/bin/python3 scripts/benign/generate.py [OUT]`.

Every file here is benign and must scan `clean`, and every folder too
(`npm run eval` reports the set, test/benign/benign-repos.test.ts asserts
it). The folders are laid out like the repositories they stand for:
transformer checkpoints with their configs and tokenizers, an LLM with a
chat template, sharded weights and a SentencePiece model, an image
classifier with label files and sample images, a training run with
accelerate, DeepSpeed and Hydra configs, scripts and a coloured log, model
cards in many languages and encodings, and safetensors files whose header
lengths read as pickle opcodes. Output is deterministic (fixed seeds, no
timestamps) and small (a few hundred KiB).
"""
import configparser
import io
import json
import random
import shutil
import sys
from pathlib import Path

import numpy as np
import sentencepiece as spm
import toml
import torch
import yaml
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hf  # noqa: E402
from hf import write  # noqa: E402
from prose import CARDS, CIFAR10, COCO_HEAD, IMAGENET_HEAD, LABELS_EN, SENTIMENT_LABELS, WORDS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test" / "fixtures" / "benign-repos"
rng = np.random.default_rng(0)


def weights(shapes, dtype=np.float32):
    return {n: rng.standard_normal(s).astype(dtype) for n, s in shapes.items()}


def card(title, langs, front=None):
    head = "---\n" + yaml.safe_dump(front or {"license": "apache-2.0", "language": langs, "tags": ["text-classification"]}, allow_unicode=True, sort_keys=False) + "---\n\n"
    return head + f"# {title}\n\n" + "\n".join(CARDS[lang] for lang in langs)


def bert_repo(d):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS + ["##s", "##ing", "##ed"]
    write(d / "vocab.txt", "\n".join(vocab) + "\n")
    write(d / "tokenizer.json", hf.pretty_json(hf.wordpiece_tokenizer(vocab)))
    write(d / "tokenizer_config.json", hf.tokenizer_json({
        "clean_up_tokenization_spaces": True, "cls_token": "[CLS]", "do_lower_case": False, "mask_token": "[MASK]",
        "model_max_length": 512, "pad_token": "[PAD]", "sep_token": "[SEP]", "strip_accents": None,
        "tokenize_chinese_chars": True, "tokenizer_class": "BertTokenizer", "unk_token": "[UNK]",
    }))
    write(d / "special_tokens_map.json", hf.tokenizer_json({"cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]", "sep_token": "[SEP]", "unk_token": "[UNK]"}))
    write(d / "config.json", hf.config_json({
        "_name_or_path": "bert-base-multilingual-cased", "architectures": ["BertForSequenceClassification"],
        "attention_probs_dropout_prob": 0.1, "classifier_dropout": None, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "hidden_size": 16, "id2label": {"0": "negative", "1": "neutral", "2": "positive"}, "initializer_range": 0.02,
        "intermediate_size": 32, "label2id": {"negative": 0, "neutral": 1, "positive": 2}, "layer_norm_eps": 1e-12,
        "max_position_embeddings": 64, "model_type": "bert", "num_attention_heads": 2, "num_hidden_layers": 1,
        "pad_token_id": 0, "position_embedding_type": "absolute", "problem_type": "single_label_classification",
        "torch_dtype": "float32", "transformers_version": "4.38.2", "type_vocab_size": 2, "use_cache": True, "vocab_size": len(vocab),
    }))
    write(d / "model.safetensors", hf.safetensors_bytes(weights({
        "bert.embeddings.word_embeddings.weight": (len(vocab), 16), "bert.embeddings.LayerNorm.weight": (16,),
        "bert.embeddings.LayerNorm.bias": (16,), "classifier.weight": (3, 16), "classifier.bias": (3,),
    }), {"format": "pt"}))
    write(d / "README.md", card("Multilingual sentiment classifier", ["en", "zh", "ja", "ko", "ar", "he", "ru", "hi", "th", "el", "fr", "de", "tr", "vi"]))
    write(d / ".gitattributes", hf.GITATTRIBUTES)


def gpt2_repo(d):
    base = ["!", "\"", "#", "a", "b", "c", "d", "e", "h", "l", "o", "r", "t", "w", "Ġ", "Ġt", "he", "Ġthe", "Ġw", "or", "ld", "Ġworld", "Ċ"]
    vocab = {t: i for i, t in enumerate(base)}
    vocab["<|endoftext|>"] = len(vocab)
    merges = ["Ġ t", "h e", "Ġt he", "Ġ w", "o r", "l d", "Ġw or"]
    write(d / "vocab.json", json.dumps(vocab, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    write(d / "merges.txt", "#version: 0.2\n" + "\n".join(merges) + "\n")
    write(d / "tokenizer.json", hf.pretty_json(hf.bpe_tokenizer(vocab, merges)))
    write(d / "added_tokens.json", hf.tokenizer_json({"<|endoftext|>": len(vocab) - 1}))
    write(d / "tokenizer_config.json", hf.tokenizer_json({"add_prefix_space": False, "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "model_max_length": 1024, "tokenizer_class": "GPT2Tokenizer", "unk_token": "<|endoftext|>"}))
    write(d / "config.json", hf.config_json({
        "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "bos_token_id": len(vocab) - 1, "eos_token_id": len(vocab) - 1,
        "model_type": "gpt2", "n_ctx": 64, "n_embd": 8, "n_head": 2, "n_layer": 1, "n_positions": 64, "torch_dtype": "float32",
        "transformers_version": "4.38.2", "vocab_size": len(vocab),
    }))
    write(d / "generation_config.json", hf.config_json({"_from_model_config": True, "bos_token_id": len(vocab) - 1, "eos_token_id": len(vocab) - 1, "transformers_version": "4.38.2"}))
    tensors = weights({"transformer.wte.weight": (len(vocab), 8), "transformer.wpe.weight": (64, 8), "transformer.ln_f.weight": (8,), "transformer.ln_f.bias": (8,)})
    write(d / "model.safetensors", hf.safetensors_bytes(tensors, {"format": "pt"}))
    # Older checkpoints beside the safetensors file: a torch.save state_dict.
    buf = io.BytesIO()
    torch.save({k: torch.from_numpy(v) for k, v in tensors.items()}, buf)
    write(d / "pytorch_model.bin", buf.getvalue())
    write(d / "README.md", card("Tiny GPT-2", ["en"], {"license": "mit", "language": ["en"], "pipeline_tag": "text-generation"}))
    write(d / "LICENSE", MIT)
    write(d / ".gitattributes", hf.GITATTRIBUTES)


# SentencePiece needs a piece per character of the multilingual corpus (about 800) plus merges.
VOCAB = 1024


def llama_repo(d, corpus):
    spm_dir = d / "_spm"
    spm_dir.mkdir(parents=True, exist_ok=True)
    (spm_dir / "corpus.txt").write_text(corpus, encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(spm_dir / "corpus.txt"), model_prefix=str(spm_dir / "tokenizer"), vocab_size=VOCAB, model_type="bpe",
        character_coverage=1.0, byte_fallback=True, bos_id=1, eos_id=2, unk_id=0, num_threads=1, minloglevel=2,
    )
    shutil.move(str(spm_dir / "tokenizer.model"), d / "tokenizer.model")
    shutil.rmtree(spm_dir)
    write(d / "tokenizer_config.json", hf.tokenizer_json({
        "add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "chat_template": hf.CHAT_TEMPLATE, "clean_up_tokenization_spaces": False,
        "eos_token": "</s>", "legacy": False, "model_max_length": 4096, "pad_token": None, "sp_model_kwargs": {}, "tokenizer_class": "LlamaTokenizer",
        "unk_token": "<unk>", "use_default_system_prompt": False,
    }))
    write(d / "special_tokens_map.json", hf.tokenizer_json({"bos_token": {"content": "<s>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False}, "eos_token": "</s>", "unk_token": "<unk>"}))
    write(d / "config.json", hf.config_json({
        "architectures": ["LlamaForCausalLM"], "attention_bias": False, "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 16,
        "initializer_range": 0.02, "intermediate_size": 32, "max_position_embeddings": 128, "model_type": "llama", "num_attention_heads": 2,
        "num_hidden_layers": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-05, "rope_scaling": None, "rope_theta": 10000.0,
        "tie_word_embeddings": False, "torch_dtype": "float16", "transformers_version": "4.38.2", "use_cache": True, "vocab_size": VOCAB,
    }))
    write(d / "generation_config.json", hf.config_json({"bos_token_id": 1, "do_sample": True, "eos_token_id": 2, "max_length": 4096, "temperature": 0.6, "top_p": 0.9, "transformers_version": "4.38.2"}))
    tensors = weights({
        "model.embed_tokens.weight": (VOCAB, 16), "model.norm.weight": (16,), "lm_head.weight": (VOCAB, 16),
        "model.layers.0.self_attn.q_proj.weight": (16, 16), "model.layers.0.mlp.up_proj.weight": (32, 16),
        "model.layers.1.self_attn.q_proj.weight": (16, 16), "model.layers.1.mlp.up_proj.weight": (32, 16),
    }, np.float16)
    for name, data in hf.shards(tensors, 2).items():
        write(d / name, data)
    write(d / "README.md", card("Tiny Llama chat", ["en", "zh", "ja"], {"license": "llama2", "language": ["en", "zh", "ja"], "pipeline_tag": "text-generation", "tags": ["chat"]}))
    write(d / "USE_POLICY.md", "# Acceptable Use Policy\n\nYou agree you will not use the model to violate the law or others' rights.\n")
    write(d / ".gitattributes", hf.GITATTRIBUTES)


def vision_repo(d):
    write(d / "labels.txt", "\n".join(LABELS_EN) + "\n")
    write(d / "imagenet_classes.txt", "\n".join(IMAGENET_HEAD) + "\n")
    write(d / "coco.names", "\n".join(COCO_HEAD) + "\n")
    write(d / "cifar10_labels.txt", "\n".join(CIFAR10))
    write(d / "labels_zh.txt", "\n".join(SENTIMENT_LABELS["zh"]) + "\n")
    write(d / "preprocessor_config.json", hf.config_json({
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.485, 0.456, 0.406], "image_processor_type": "ViTImageProcessor",
        "image_std": [0.229, 0.224, 0.225], "resample": 2, "rescale_factor": 0.00392156862745098, "size": {"height": 32, "width": 32},
    }))
    write(d / "config.json", hf.config_json({
        "architectures": ["ViTForImageClassification"], "hidden_size": 8, "id2label": {"0": "cat", "1": "dog"}, "image_size": 32,
        "label2id": {"cat": 0, "dog": 1}, "model_type": "vit", "num_attention_heads": 2, "num_hidden_layers": 1, "patch_size": 16,
        "torch_dtype": "float32", "transformers_version": "4.38.2",
    }))
    write(d / "model.safetensors", hf.safetensors_bytes(weights({"vit.embeddings.cls_token": (1, 1, 8), "classifier.weight": (2, 8), "classifier.bias": (2,)})))
    img = Image.fromarray((rng.random((24, 32, 3)) * 255).astype(np.uint8))
    for fmt, name in [("PNG", "cat.png"), ("JPEG", "dog.jpg"), ("GIF", "demo.gif"), ("WEBP", "sample.webp")]:
        buf = io.BytesIO()
        img.save(buf, format=fmt)
        write(d / "examples" / name, buf.getvalue())
    write(d / "README.md", card("Cat and dog classifier", ["en", "ko", "ja"], {"license": "mit", "tags": ["image-classification"]}))
    write(d / "LICENSE", MIT)


def sentence_transformers_repo(d):
    write(d / "modules.json", json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ], indent=2))
    write(d / "sentence_bert_config.json", json.dumps({"max_seq_length": 256, "do_lower_case": False}, indent=2))
    write(d / "config_sentence_transformers.json", json.dumps({"__version__": {"sentence_transformers": "2.5.1", "transformers": "4.38.2", "pytorch": "2.2.1"}, "prompts": {}, "default_prompt_name": None}, indent=2))
    write(d / "1_Pooling" / "config.json", json.dumps({"word_embedding_dimension": 8, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False}, indent=2))
    (d / "2_Normalize").mkdir(parents=True, exist_ok=True)
    write(d / "config.json", hf.config_json({"architectures": ["BertModel"], "hidden_size": 8, "model_type": "bert", "num_attention_heads": 2, "num_hidden_layers": 1, "vocab_size": 30}))
    write(d / "model.safetensors", hf.safetensors_bytes(weights({"embeddings.word_embeddings.weight": (30, 8)})))
    vec = [f"{len(WORDS)} 4"] + [w + " " + " ".join(f"{x:.4f}" for x in rng.standard_normal(4)) for w in WORDS]
    write(d / "embeddings.vec", "\n".join(vec) + "\n")
    write(d / "README.md", card("Sentence embeddings", ["en", "ru", "ar"], {"license": "apache-2.0", "pipeline_tag": "sentence-similarity", "library_name": "sentence-transformers"}))


def training_run(d):
    write(d / "accelerate_config.yaml", yaml.safe_dump({
        "compute_environment": "LOCAL_MACHINE", "debug": False, "distributed_type": "MULTI_GPU", "downcast_bf16": "no", "gpu_ids": "all",
        "machine_rank": 0, "main_training_function": "main", "mixed_precision": "bf16", "num_machines": 1, "num_processes": 2,
        "rdzv_backend": "static", "same_network": True, "tpu_env": [], "tpu_use_cluster": False, "tpu_use_sudo": False, "use_cpu": False,
    }))
    write(d / "ds_config.json", json.dumps({
        "train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": "auto", "bf16": {"enabled": "auto"},
        "zero_optimization": {"stage": 2, "offload_optimizer": {"device": "cpu", "pin_memory": True}, "allgather_bucket_size": 2e8, "overlap_comm": True, "contiguous_gradients": True},
        "gradient_clipping": "auto", "steps_per_print": 2000, "wall_clock_breakdown": False,
    }, indent=4))
    write(d / "checkpoint-100" / "latest", "global_step100")
    write(d / "checkpoint-100" / "trainer_state.json", json.dumps({
        "best_metric": None, "epoch": 1.0, "global_step": 100, "is_world_process_zero": True,
        "log_history": [{"epoch": 0.5, "learning_rate": 1.5e-05, "loss": 0.6931, "step": 50}, {"epoch": 1.0, "learning_rate": 1e-05, "loss": 0.5123, "step": 100}],
        "max_steps": 300, "num_train_epochs": 3, "total_flos": 1234567.0, "trial_name": None, "trial_params": None,
    }, indent=2, sort_keys=True) + "\n")
    write(d / "checkpoint-100" / "zero_to_fp32.py", "#!/usr/bin/env python\n# This script extracts fp32 consolidated weights from ZeRO checkpoints.\nimport argparse\nimport torch\n\n\ndef main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument('checkpoint_dir')\n    args = parser.parse_args()\n    print(args.checkpoint_dir)\n\n\nif __name__ == '__main__':\n    main()\n")
    cfg = {"model": {"name": "resnet18", "pretrained": True, "num_classes": 10}, "optimizer": {"_target_": "torch.optim.AdamW", "lr": 0.001, "weight_decay": 0.05},
           "data": {"root": "${oc.env:DATA_ROOT,/data}", "batch_size": 64}, "trainer": {"max_epochs": 10, "precision": "bf16-mixed"}, "seed": 42}
    write(d / ".hydra" / "config.yaml", yaml.safe_dump(cfg, sort_keys=False))
    write(d / ".hydra" / "overrides.yaml", yaml.safe_dump(["optimizer.lr=0.001", "trainer.max_epochs=10"]))
    write(d / ".hydra" / "hydra.yaml", yaml.safe_dump({"hydra": {"run": {"dir": "outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}"}, "job": {"name": "train", "chdir": None}, "verbose": False}}, sort_keys=False))
    write(d / "train.py", TRAIN_PY)
    write(d / "model.py", "import torch\nfrom torch import nn\n\n\nclass Net(nn.Module):\n    def __init__(self, n=10):\n        super().__init__()\n        self.fc = nn.Linear(8, n)\n\n    def forward(self, x):\n        return self.fc(x)\n")
    write(d / "__init__.py", "")
    write(d / ".gitkeep", "")
    write(d / "device.txt", "cpu\n")
    write(d / "run.sh", "#!/bin/bash\nset -euo pipefail\naccelerate launch --config_file accelerate_config.yaml train.py \\\n  optimizer.lr=0.001 trainer.max_epochs=10 \"$@\"\n")
    write(d / "launch.js", "const { spawn } = require('node:child_process');\nconst args = process.argv.slice(2);\nconsole.log('launching', args.join(' '));\n")
    write(d / "train.log", TRAIN_LOG)
    write(d / "requirements.txt", "torch>=2.1\ntransformers==4.38.2\naccelerate>=0.27\ndeepspeed>=0.13\nhydra-core>=1.3\n")
    write(d / "pyproject.toml", toml.dumps({"project": {"name": "classifier-train", "version": "0.1.0", "requires-python": ">=3.10", "dependencies": ["torch>=2.1", "hydra-core>=1.3"]}, "tool": {"ruff": {"line-length": 120}}}))
    ini = configparser.ConfigParser()
    ini["metadata"] = {"name": "classifier-train", "version": "0.1.0"}
    ini["options"] = {"packages": "find:", "python_requires": ">=3.10"}
    buf = io.StringIO()
    ini.write(buf)
    write(d / "setup.cfg", buf.getvalue())
    write(d / "wandb" / "settings", "[default]\nproject = classifier\nentity = research-team\n")
    write(d / "Makefile", "train:\n\tbash run.sh\n\n.PHONY: train\n")
    write(d / "results.csv", "epoch,loss,accuracy\n1,0.6931,0.512\n2,0.5123,0.734\n3,0.4410,0.801\n")


def legacy_encode(text, encoding):
    """Encodes as an editor saving in that code page does: typography the page lacks becomes its ASCII form."""
    plain = {"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "־": "-"}
    return "".join(c if _encodable(c, encoding) else plain.get(c, "?") for c in text).encode(encoding)


def _encodable(c, encoding):
    try:
        c.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def cards_repo(d):
    for lang, text in CARDS.items():
        write(d / "cards" / f"README.{lang}.md", text)
    legacy = [("ru", "cp1251"), ("ru", "koi8_r"), ("ar", "cp1256"), ("fr", "cp1252"), ("de", "latin-1"), ("cs", "cp1250"), ("el", "cp1253"), ("he", "cp1255"),
              ("th", "cp874"), ("ja", "shift_jis"), ("ja", "euc_jp"), ("zh", "gbk"), ("zh", "gb18030"), ("zh-Hant", "big5"), ("ko", "euc_kr")]
    for lang, enc in legacy:
        write(d / "legacy" / f"README.{lang}.{enc}.txt", legacy_encode(CARDS[lang], enc))
    write(d / "legacy" / "labels.ru.cp1251.txt", "\n".join(SENTIMENT_LABELS["ru"]).encode("cp1251") + b"\n")
    write(d / "legacy" / "labels.ja.shift_jis.txt", "\n".join(SENTIMENT_LABELS["ja"]).encode("shift_jis") + b"\n")
    write(d / "unicode" / "README.utf16le-bom.txt", b"\xff\xfe" + (CARDS["en"] + CARDS["de"]).encode("utf-16-le"))
    write(d / "unicode" / "README.utf16be-bom.txt", b"\xfe\xff" + CARDS["ja"].encode("utf-16-be"))
    write(d / "unicode" / "README.utf16le.txt", (CARDS["en"] + CARDS["ru"]).encode("utf-16-le"))
    write(d / "unicode" / "README.utf16be.txt", CARDS["fr"].encode("utf-16-be"))
    write(d / "unicode" / "README.zh.utf16le.txt", CARDS["zh"].encode("utf-16-le"))
    write(d / "unicode" / "README.utf8-bom.md", b"\xef\xbb\xbf" + CARDS["ko"].encode("utf-8"))
    # Text longer than the 4 KiB sniff window, with a 2-, 3- and 4-byte character cut at each position of its end.
    for ch, name in [("é", "2byte"), ("模", "3byte"), ("😀", "4byte")]:
        size = len(ch.encode())
        for shift in range(size):
            pad = "a" * (4096 - shift - 1)
            write(d / "long" / f"{name}-cut{shift}.txt", pad + ch * 400 + "\n")
    write(d / "long" / "model-card-long.md", ("\n\n".join(CARDS.values()) + "\n") * 3)
    write(d / "crlf.txt", CARDS["en"].replace("\n", "\r\n"))


def safetensors_sweep(d):
    """Header lengths whose first bytes read as pickle opcodes (80 0N is PROTO N; 4E 2E is NONE, STOP)."""
    tensors = {"w": np.arange(4, dtype=np.float32)}
    for n in [128, 384, 640, 896, 1152, 1408, 11854, 35615, 99, 112, 4096, 4097, 8192]:
        write(d / f"header-{n}.safetensors", hf.safetensors_bytes(tensors, {"format": "pt"}, header_length=n))
    write(d / "bf16-converted.safetensors", hf.safetensors_bytes({"w": np.zeros((2, 2), np.float16)}, None, header_length=1408))


MIT = """MIT License

Copyright (c) 2024 The Authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
"""

TRAIN_PY = '''import hydra
import torch
from omegaconf import DictConfig
from torch import nn

from model import Net


@hydra.main(version_base=None, config_path=".hydra", config_name="config")
def main(cfg: DictConfig) -> None:
    torch.manual_seed(cfg.seed)
    net = Net(cfg.model.num_classes)
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.optimizer.lr)
    for epoch in range(cfg.trainer.max_epochs):
        loss = nn.functional.cross_entropy(net(torch.randn(4, 8)), torch.zeros(4, dtype=torch.long))
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
'''

TRAIN_LOG = (
    "\x1b[32m[2024-03-01 10:00:00,123]\x1b[0m \x1b[1mINFO\x1b[0m Starting training with 2 processes\n"
    "\x1b[33m[2024-03-01 10:00:01,456] WARNING\x1b[0m torch.distributed: NCCL_DEBUG not set\n"
    "Epoch 1/3:  50%|█████     | 50/100 [00:10<00:10,  4.98it/s, loss=0.693]\r"
    "Epoch 1/3: 100%|██████████| 100/100 [00:20<00:00,  4.99it/s, loss=0.512]\n"
    "\x1b[32m[2024-03-01 10:00:21,789]\x1b[0m INFO saved checkpoint-100 (global_step100)\n"
    "\x07\x1b[31mERROR\x1b[0m retrying rendezvous once\n"
) * 4


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    random.seed(0)
    torch.manual_seed(0)
    corpus = "\n".join(CARDS.values()) * 4
    bert_repo(OUT / "bert-multilingual-sentiment")
    gpt2_repo(OUT / "tiny-gpt2")
    llama_repo(OUT / "tiny-llama-chat", corpus)
    vision_repo(OUT / "vit-cats-dogs")
    sentence_transformers_repo(OUT / "sentence-embeddings")
    training_run(OUT / "training-run")
    cards_repo(OUT / "model-cards")
    safetensors_sweep(OUT / "safetensors-header-lengths")
    files = sorted(p for p in OUT.rglob("*") if p.is_file())
    print(f"benign-repos: {len(files)} files, {sum(p.stat().st_size for p in files)} bytes in {OUT}")


if __name__ == "__main__":
    main()
