"""Remote code of a vision-language repository with an audio front end:
processor and image processor classes, an image fetcher that downloads URLs
and a box-drawing helper that saves images, an ffmpeg audio reader, and a
modeling file with output dataclasses, signature probes and fx leaf
functions. Written for these fixtures; modelled on how such repositories are
laid out."""

CONFIGURATION = '''\
import copy
import os
from typing import Union

from transformers import PretrainedConfig
from transformers.utils import logging

logger = logging.get_logger(__name__)


class VisionConfig(PretrainedConfig):
    model_type = "tiny_vision"

    def __init__(self, hidden_size=16, image_size=32, patch_size=8, num_channels=3, num_hidden_layers=1, **kwargs):
        super().__init__(**kwargs)
        self.hidden_size = hidden_size
        self.image_size = image_size
        self.patch_size = patch_size
        self.num_channels = num_channels
        self.num_hidden_layers = num_hidden_layers

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path: Union[str, os.PathLike], **kwargs) -> "PretrainedConfig":
        config_dict, kwargs = cls.get_config_dict(pretrained_model_name_or_path, **kwargs)
        if config_dict.get("model_type") == "tiny_vl":
            config_dict = config_dict["vision_config"]
        if "model_type" in config_dict and hasattr(cls, "model_type") and config_dict["model_type"] != cls.model_type:
            logger.warning(f"You are using a model of type {config_dict['model_type']} to instantiate a model of type {cls.model_type}.")
        return cls.from_dict(config_dict, **kwargs)


class VLConfig(PretrainedConfig):
    model_type = "tiny_vl"
    is_composition = True

    def __init__(self, vision_config=None, text_hidden_size=16, vocab_size=128, image_token_index=127, **kwargs):
        super().__init__(**kwargs)
        if vision_config is None:
            vision_config = {}
            logger.info("vision_config is None. initializing the VisionConfig with default values.")
        self.vision_config = VisionConfig(**vision_config)
        self.text_hidden_size = text_hidden_size
        self.vocab_size = vocab_size
        self.image_token_index = image_token_index

    def to_dict(self):
        output = copy.deepcopy(self.__dict__)
        output["vision_config"] = self.vision_config.to_dict()
        output["model_type"] = self.__class__.model_type
        return output
'''

IMAGE_PROCESSING = '''\
"""Image processor class."""
import base64
from io import BytesIO
from typing import Dict, List, Optional, Union

import numpy as np
import requests
import torch
from PIL import Image
from torchvision import transforms
from torchvision.transforms.functional import InterpolationMode
from transformers.image_processing_utils import BaseImageProcessor, BatchFeature
from transformers.image_utils import ImageInput, make_list_of_images, valid_images
from transformers.utils import TensorType, logging

logger = logging.get_logger(__name__)

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def fetch_image(ele: Union[str, Dict]) -> Image.Image:
    """An image given as a URL, a data URI, a local path or a PIL image."""
    image = ele["image"] if isinstance(ele, dict) else ele
    image_obj = None
    if isinstance(image, Image.Image):
        image_obj = image
    elif image.startswith("http://") or image.startswith("https://"):
        response = requests.get(image, stream=True, timeout=10)
        response.raise_for_status()
        image_obj = Image.open(BytesIO(response.content))
    elif image.startswith("file://"):
        image_obj = Image.open(image[7:])
    elif image.startswith("data:image"):
        if "base64," in image:
            _, base64_data = image.split("base64,", 1)
            data = base64.b64decode(base64_data)
            image_obj = Image.open(BytesIO(data))
    else:
        image_obj = Image.open(image)
    if image_obj is None:
        raise ValueError(f"Unrecognized image input, support local path, http url, base64 and PIL.Image, got {image}")
    return image_obj.convert("RGB")


def build_transform(input_size):
    return transforms.Compose([
        transforms.Lambda(lambda img: img.convert("RGB") if img.mode != "RGB" else img),
        transforms.Resize((input_size, input_size), interpolation=InterpolationMode.BICUBIC),
        transforms.ToTensor(),
        transforms.Normalize(mean=IMAGENET_MEAN, std=IMAGENET_STD),
    ])


class TinyVLImageProcessor(BaseImageProcessor):
    model_input_names = ["pixel_values"]

    def __init__(self, image_size: int = 32, do_normalize: bool = True, image_mean=IMAGENET_MEAN, image_std=IMAGENET_STD, **kwargs):
        super().__init__(**kwargs)
        self.image_size = image_size
        self.do_normalize = do_normalize
        self.image_mean = list(image_mean)
        self.image_std = list(image_std)
        self.transform = build_transform(image_size)

    def preprocess(self, images: ImageInput, return_tensors: Optional[Union[str, TensorType]] = None, **kwargs) -> BatchFeature:
        if isinstance(images, (str, dict)):
            images = [images]
        images = [fetch_image(i) if isinstance(i, (str, dict)) else i for i in images]
        images = make_list_of_images(images)
        if not valid_images(images):
            raise ValueError("Invalid image type. Must be of type PIL.Image.Image, numpy.ndarray, torch.Tensor.")
        pixel_values = torch.stack([self.transform(image) for image in images])
        return BatchFeature(data={"pixel_values": pixel_values}, tensor_type=return_tensors)
'''

AUDIO = '''\
import os
from subprocess import CalledProcessError, run
from typing import Optional, Union

import numpy as np
import torch
import torch.nn.functional as F

# hard-coded audio hyperparameters
SAMPLE_RATE = 16000
N_FFT = 400
HOP_LENGTH = 160
CHUNK_LENGTH = 30
N_SAMPLES = CHUNK_LENGTH * SAMPLE_RATE  # 480000 samples in a 30-second chunk


def load_audio(file: str, sr: int = SAMPLE_RATE):
    """
    Open an audio file and read as mono waveform, resampling as necessary

    Parameters
    ----------
    file: str
        The audio file to open

    sr: int
        The sample rate to resample the audio if necessary

    Returns
    -------
    A NumPy array containing the audio waveform, in float32 dtype.
    """
    # This launches a subprocess to decode audio while down-mixing
    # and resampling as necessary.  Requires the ffmpeg CLI in PATH.
    # fmt: off
    cmd = [
        "ffmpeg",
        "-nostdin",
        "-threads", "0",
        "-i", file,
        "-f", "s16le",
        "-ac", "1",
        "-acodec", "pcm_s16le",
        "-ar", str(sr),
        "-"
    ]
    # fmt: on
    try:
        out = run(cmd, capture_output=True, check=True).stdout
    except CalledProcessError as e:
        raise RuntimeError(f"Failed to load audio: {e.stderr.decode()}") from e

    return np.frombuffer(out, np.int16).flatten().astype(np.float32) / 32768.0


def pad_or_trim(array, length: int = N_SAMPLES, *, axis: int = -1):
    """Pad or trim the audio array to N_SAMPLES, as expected by the encoder."""
    if torch.is_tensor(array):
        if array.shape[axis] > length:
            array = array.index_select(dim=axis, index=torch.arange(length, device=array.device))
        if array.shape[axis] < length:
            pad_widths = [(0, 0)] * array.ndim
            pad_widths[axis] = (0, length - array.shape[axis])
            array = F.pad(array, [pad for sizes in pad_widths[::-1] for pad in sizes])
    else:
        if array.shape[axis] > length:
            array = array.take(indices=range(length), axis=axis)
        if array.shape[axis] < length:
            pad_widths = [(0, 0)] * array.ndim
            pad_widths[axis] = (0, length - array.shape[axis])
            array = np.pad(array, pad_widths)
    return array


def log_mel_spectrogram(audio: Union[str, np.ndarray, torch.Tensor], n_mels: int = 80, padding: int = 0, device: Optional[Union[str, torch.device]] = None):
    if not torch.is_tensor(audio):
        if isinstance(audio, str):
            audio = load_audio(audio)
        audio = torch.from_numpy(audio)
    if device is not None:
        audio = audio.to(device)
    if padding > 0:
        audio = F.pad(audio, (0, padding))
    window = torch.hann_window(N_FFT).to(audio.device)
    stft = torch.stft(audio, N_FFT, HOP_LENGTH, window=window, return_complex=True)
    magnitudes = stft[..., :-1].abs() ** 2
    log_spec = torch.clamp(magnitudes, min=1e-10).log10()
    log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
    return (log_spec + 4.0) / 4.0
'''

PROCESSING = '''\
"""Processor class."""
import re
from typing import List, Optional, Union

import numpy as np
import torch
from PIL import Image, ImageDraw
from transformers.feature_extraction_utils import BatchFeature
from transformers.processing_utils import ProcessorMixin
from transformers.tokenization_utils_base import PaddingStrategy, PreTokenizedInput, TextInput, TruncationStrategy
from transformers.utils import TensorType

from .audio import load_audio, log_mel_spectrogram, pad_or_trim


class TinyVLProcessor(ProcessorMixin):
    attributes = ["image_processor", "tokenizer"]
    image_processor_class = "AutoImageProcessor"
    tokenizer_class = ("GPT2Tokenizer", "GPT2TokenizerFast")

    def __init__(self, image_processor=None, tokenizer=None, image_token="<image>", **kwargs):
        if image_processor is None:
            raise ValueError("You need to specify an `image_processor`.")
        if tokenizer is None:
            raise ValueError("You need to specify a `tokenizer`.")
        self.image_token = image_token
        self.box_pattern = re.compile(r"<box>\\((\\d+),(\\d+)\\),\\((\\d+),(\\d+)\\)</box>")
        super().__init__(image_processor, tokenizer)

    def __call__(self, text: Union[TextInput, PreTokenizedInput, List[TextInput]] = None, images=None, audios=None, padding: Union[bool, str, PaddingStrategy] = False, truncation: Union[bool, str, TruncationStrategy] = None, max_length=None, return_tensors: Optional[Union[str, TensorType]] = TensorType.PYTORCH) -> BatchFeature:
        data = {}
        if images is not None:
            data.update(self.image_processor(images, return_tensors=return_tensors))
        if audios is not None:
            mels = [log_mel_spectrogram(pad_or_trim(load_audio(a) if isinstance(a, str) else a)) for a in audios]
            data["input_features"] = torch.stack(mels)
        if text is not None:
            data.update(self.tokenizer(text, return_tensors=return_tensors, padding=padding, truncation=truncation, max_length=max_length))
        return BatchFeature(data=data)

    def batch_decode(self, *args, **kwargs):
        return self.tokenizer.batch_decode(*args, **kwargs)

    def decode(self, *args, **kwargs):
        return self.tokenizer.decode(*args, **kwargs)

    def post_process_boxes(self, text: str, width: int, height: int):
        boxes = []
        for m in self.box_pattern.finditer(text):
            x1, y1, x2, y2 = (int(v) for v in m.groups())
            boxes.append((x1 * width // 1000, y1 * height // 1000, x2 * width // 1000, y2 * height // 1000))
        return boxes

    def draw_boxes(self, image: Image.Image, text: str, save_path: Optional[str] = None):
        image = image.copy()
        draw = ImageDraw.Draw(image)
        for box in self.post_process_boxes(text, image.width, image.height):
            draw.rectangle(box, outline=(255, 0, 0), width=2)
        if save_path is not None:
            image.save(save_path)
        return image

    @property
    def model_input_names(self):
        tokenizer_input_names = self.tokenizer.model_input_names
        image_processor_input_names = self.image_processor.model_input_names
        return list(dict.fromkeys(tokenizer_input_names + image_processor_input_names))
'''

MODELING = '''\
import inspect
import math
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

import torch
import torch.nn.functional as F
import torch.utils.checkpoint
from torch import nn
from transformers import PreTrainedModel
from transformers.activations import ACT2FN
from transformers.modeling_outputs import ModelOutput
from transformers.utils import is_flash_attn_2_available, is_torch_fx_available, logging

from .configuration_vl import VisionConfig, VLConfig

if is_flash_attn_2_available():
    from flash_attn import flash_attn_func, flash_attn_varlen_func
    from flash_attn.bert_padding import index_first_axis, pad_input, unpad_input  # noqa

    _flash_supports_window_size = "window_size" in list(inspect.signature(flash_attn_func).parameters)

# This makes `_prepare_4d_causal_attention_mask` a leaf function in the FX graph.
# It means that the function will not be traced through and simply appear as a node in the graph.
if is_torch_fx_available():
    import torch.fx

    def _make_causal_mask(input_ids_shape: torch.Size, dtype: torch.dtype, device: torch.device):
        bsz, tgt_len = input_ids_shape
        mask = torch.full((tgt_len, tgt_len), torch.finfo(dtype).min, device=device)
        mask_cond = torch.arange(mask.size(-1), device=device)
        mask.masked_fill_(mask_cond < (mask_cond + 1).view(mask.size(-1), 1), 0)
        return mask[None, None, :, :].expand(bsz, 1, tgt_len, tgt_len)

    _make_causal_mask = torch.fx.wrap(_make_causal_mask)

logger = logging.get_logger(__name__)


@dataclass
class VLCausalLMOutputWithPast(ModelOutput):
    loss: Optional[torch.FloatTensor] = None
    logits: torch.FloatTensor = None
    past_key_values: Optional[List[torch.FloatTensor]] = None
    hidden_states: Optional[Tuple[torch.FloatTensor]] = None
    attentions: Optional[Tuple[torch.FloatTensor]] = None
    image_hidden_states: Optional[Tuple[torch.FloatTensor]] = None


class PatchEmbed(nn.Module):
    def __init__(self, config: VisionConfig):
        super().__init__()
        self.proj = nn.Conv2d(config.num_channels, config.hidden_size, kernel_size=config.patch_size, stride=config.patch_size)
        self.num_patches = (config.image_size // config.patch_size) ** 2
        self.position_embedding = nn.Parameter(torch.zeros(1, self.num_patches, config.hidden_size))

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.proj(pixel_values).flatten(2).transpose(1, 2)
        return x + self.position_embedding


class Projector(nn.Module):
    def __init__(self, in_features: int, out_features: int, act: str = "gelu"):
        super().__init__()
        self.linear_1 = nn.Linear(in_features, out_features, bias=True)
        self.act = ACT2FN[act]
        self.linear_2 = nn.Linear(out_features, out_features, bias=True)

    def forward(self, image_features):
        return self.linear_2(self.act(self.linear_1(image_features)))


class VLPreTrainedModel(PreTrainedModel):
    config_class = VLConfig
    base_model_prefix = "model"
    supports_gradient_checkpointing = True
    _no_split_modules = ["PatchEmbed"]
    _supports_flash_attn_2 = True

    def _init_weights(self, module):
        std = getattr(self.config, "initializer_range", 0.02)
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            module.weight.data.normal_(mean=0.0, std=std)
            if module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=std)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()

    def _set_gradient_checkpointing(self, module, value=False):
        if isinstance(module, VLForConditionalGeneration):
            module.gradient_checkpointing = value


class VLForConditionalGeneration(VLPreTrainedModel):
    def __init__(self, config: VLConfig):
        super().__init__(config)
        self.vision = PatchEmbed(config.vision_config)
        self.projector = Projector(config.vision_config.hidden_size, config.text_hidden_size)
        self.embed_tokens = nn.Embedding(config.vocab_size, config.text_hidden_size)
        self.lm_head = nn.Linear(config.text_hidden_size, config.vocab_size, bias=False)
        self.gradient_checkpointing = False
        self.post_init()

    def get_input_embeddings(self):
        return self.embed_tokens

    def set_input_embeddings(self, value):
        self.embed_tokens = value

    def get_output_embeddings(self):
        return self.lm_head

    def forward(self, input_ids: torch.LongTensor = None, pixel_values: torch.FloatTensor = None, attention_mask: Optional[torch.Tensor] = None, labels: Optional[torch.LongTensor] = None, return_dict: Optional[bool] = None) -> Union[Tuple, VLCausalLMOutputWithPast]:
        inputs_embeds = self.embed_tokens(input_ids)
        if pixel_values is not None:
            image_features = self.projector(self.vision(pixel_values))
            mask = input_ids == self.config.image_token_index
            inputs_embeds[mask] = image_features.reshape(-1, image_features.shape[-1])[: int(mask.sum())]
        logits = self.lm_head(inputs_embeds)
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1))
        return VLCausalLMOutputWithPast(loss=loss, logits=logits, image_hidden_states=None)

    def prepare_inputs_for_generation(self, input_ids, past_key_values=None, attention_mask=None, pixel_values=None, **kwargs):
        if past_key_values is not None:
            input_ids = input_ids[:, -1:]
            pixel_values = None
        return {"input_ids": input_ids, "attention_mask": attention_mask, "pixel_values": pixel_values, "past_key_values": past_key_values}
'''
