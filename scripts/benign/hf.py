"""Files of Hugging Face model repositories, written the way the libraries write them.

Debian packages neither transformers, tokenizers, safetensors nor
huggingface_hub, so each writer below follows the library's own code:
- transformers `PretrainedConfig.to_json_file`, `GenerationConfig`,
  `PreTrainedTokenizerBase.save_pretrained`: `json.dumps(d, indent=2,
  sort_keys=True) + "\\n"` (tokenizer files with `ensure_ascii=False`);
- tokenizers `Tokenizer.save(pretty=True)`: the serde layout, indent 2;
- safetensors `serialize`: tensors ordered by dtype alignment then name, a
  compact JSON header padded with spaces to a multiple of 8 (or to an exact
  length, to sweep header lengths), little-endian u64 length in front;
- huggingface_hub's default `.gitattributes` for new repositories.
"""
import json
import struct

import numpy as np


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def config_json(d):
    """PretrainedConfig.to_json_string(use_diff=False)."""
    return json.dumps(d, indent=2, sort_keys=True) + "\n"


def tokenizer_json(d):
    """PreTrainedTokenizerBase.save_pretrained: tokenizer_config.json, special_tokens_map.json, added_tokens.json."""
    return json.dumps(d, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def pretty_json(d):
    """tokenizers Tokenizer.save(pretty=True)."""
    return json.dumps(d, indent=2, ensure_ascii=False)


# safetensors dtype names, element sizes and the crate's alignment order.
ST_DTYPES = {
    np.dtype("bool"): ("BOOL", 0),
    np.dtype("uint8"): ("U8", 3),
    np.dtype("int8"): ("I8", 4),
    np.dtype("int16"): ("I16", 10),
    np.dtype("uint16"): ("U16", 11),
    np.dtype("float16"): ("F16", 12),
    np.dtype("int32"): ("I32", 14),
    np.dtype("uint32"): ("U32", 15),
    np.dtype("float32"): ("F32", 16),
    np.dtype("float64"): ("F64", 18),
    np.dtype("int64"): ("I64", 19),
}


def safetensors_bytes(tensors, metadata=None, header_length=None):
    """safetensors.numpy.save: `tensors` maps names to numpy arrays (little-endian, C order)."""
    order = sorted(tensors.items(), key=lambda kv: (-ST_DTYPES[kv[1].dtype][1], kv[0]))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, arr in order:
        data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": ST_DTYPES[arr.dtype][0], "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    n = header_length if header_length is not None else (len(text) + 7) // 8 * 8
    assert n >= len(text), (n, len(text))
    return struct.pack("<Q", n) + text + b" " * (n - len(text)) + b"".join(blobs)


def shards(tensors, count, prefix="model"):
    """save_pretrained(max_shard_size=...): shard files and the index that maps each tensor to its shard."""
    names = sorted(tensors)
    per = (len(names) + count - 1) // count
    files = {}
    weight_map = {}
    total = 0
    for i in range(count):
        part = {n: tensors[n] for n in names[i * per : (i + 1) * per]}
        fname = f"{prefix}-{i + 1:05d}-of-{count:05d}.safetensors"
        files[fname] = safetensors_bytes(part, {"format": "pt"})
        for n, a in part.items():
            weight_map[n] = fname
            total += a.nbytes
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    files[f"{prefix}.safetensors.index.json"] = json.dumps(index, indent=2, sort_keys=True) + "\n"
    return files


GITATTRIBUTES = """*.7z filter=lfs diff=lfs merge=lfs -text
*.arrow filter=lfs diff=lfs merge=lfs -text
*.bin filter=lfs diff=lfs merge=lfs -text
*.bz2 filter=lfs diff=lfs merge=lfs -text
*.ckpt filter=lfs diff=lfs merge=lfs -text
*.ftz filter=lfs diff=lfs merge=lfs -text
*.gz filter=lfs diff=lfs merge=lfs -text
*.h5 filter=lfs diff=lfs merge=lfs -text
*.joblib filter=lfs diff=lfs merge=lfs -text
*.lfs.* filter=lfs diff=lfs merge=lfs -text
*.mlmodel filter=lfs diff=lfs merge=lfs -text
*.model filter=lfs diff=lfs merge=lfs -text
*.msgpack filter=lfs diff=lfs merge=lfs -text
*.npy filter=lfs diff=lfs merge=lfs -text
*.npz filter=lfs diff=lfs merge=lfs -text
*.onnx filter=lfs diff=lfs merge=lfs -text
*.ot filter=lfs diff=lfs merge=lfs -text
*.parquet filter=lfs diff=lfs merge=lfs -text
*.pb filter=lfs diff=lfs merge=lfs -text
*.pickle filter=lfs diff=lfs merge=lfs -text
*.pkl filter=lfs diff=lfs merge=lfs -text
*.pt filter=lfs diff=lfs merge=lfs -text
*.pth filter=lfs diff=lfs merge=lfs -text
*.rar filter=lfs diff=lfs merge=lfs -text
*.safetensors filter=lfs diff=lfs merge=lfs -text
saved_model/**/* filter=lfs diff=lfs merge=lfs -text
*.tar.* filter=lfs diff=lfs merge=lfs -text
*.tar filter=lfs diff=lfs merge=lfs -text
*.tflite filter=lfs diff=lfs merge=lfs -text
*.tgz filter=lfs diff=lfs merge=lfs -text
*.wasm filter=lfs diff=lfs merge=lfs -text
*.xz filter=lfs diff=lfs merge=lfs -text
*.zip filter=lfs diff=lfs merge=lfs -text
*.zst filter=lfs diff=lfs merge=lfs -text
*tfevents* filter=lfs diff=lfs merge=lfs -text
"""


def wordpiece_tokenizer(vocab):
    """tokenizers' BertWordPieceTokenizer, saved."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": vocab.index(t), "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
            for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        ],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": False},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [
                {"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 1}},
                {"SpecialToken": {"id": "[SEP]", "type_id": 1}},
            ],
            "special_tokens": {t: {"id": t, "ids": [vocab.index(t)], "tokens": [t]} for t in ["[CLS]", "[SEP]"]},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}},
    }


def bpe_tokenizer(vocab, merges):
    """tokenizers' ByteLevel BPE (GPT-2), saved."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": len(vocab) - 1, "content": "<|endoftext|>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges},
    }


CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}"
    "{% endif %}{% endfor %}"
)
