"""Python sources of the loader fixtures (scripts/remote-code/loaders.py):
repository code that diffusers, sentence-transformers and transformers'
pipeline()/custom_generate import, written for these fixtures after the
documented layouts (diffusers "custom components" and community pipelines,
sentence-transformers custom modules, transformers custom pipelines and
custom_generate). None of it reaches a sink while the loader loads it:
the file writes sit in save methods, the downloads in methods the user
calls later.
"""

# diffusers: model_index.json "_class_name": ["pipeline_tiny", "TinyDiffusionPipeline"]
PIPELINE_TINY = '''# coding=utf-8
"""A tiny unconditional diffusion pipeline shipped with the repository."""
from typing import List, Optional, Tuple, Union

import torch

from diffusers import DiffusionPipeline, ImagePipelineOutput
from diffusers.utils.torch_utils import randn_tensor


class TinyDiffusionPipeline(DiffusionPipeline):
    model_cpu_offload_seq = "unet"

    def __init__(self, unet, scheduler):
        super().__init__()
        self.register_modules(unet=unet, scheduler=scheduler)

    @torch.no_grad()
    def __call__(
        self,
        batch_size: int = 1,
        generator: Optional[Union[torch.Generator, List[torch.Generator]]] = None,
        num_inference_steps: int = 50,
        output_type: Optional[str] = "pil",
        return_dict: bool = True,
    ) -> Union[ImagePipelineOutput, Tuple]:
        shape = (batch_size, self.unet.config.in_channels, self.unet.config.sample_size, self.unet.config.sample_size)
        image = randn_tensor(shape, generator=generator, device=self._execution_device, dtype=self.unet.dtype)
        self.scheduler.set_timesteps(num_inference_steps)
        for t in self.progress_bar(self.scheduler.timesteps):
            model_output = self.unet(image, t).sample
            image = self.scheduler.step(model_output, t, image, generator=generator).prev_sample
        image = (image / 2 + 0.5).clamp(0, 1)
        image = image.cpu().permute(0, 2, 3, 1).numpy()
        if output_type == "pil":
            image = self.numpy_to_pil(image)
        if not return_dict:
            return (image,)
        return ImagePipelineOutput(images=image)
'''

# diffusers: model_index.json "unet": ["tiny_unet", "TinyUNet2DModel"], unet/tiny_unet.py
TINY_UNET = '''# coding=utf-8
"""A small UNet as a diffusers custom component (loaded from unet/tiny_unet.py)."""
from dataclasses import dataclass
from typing import Tuple, Union

import torch
from torch import nn

from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from diffusers.utils import BaseOutput

from .blocks import TinyDownBlock, TinyUpBlock, timestep_embedding


@dataclass
class TinyUNetOutput(BaseOutput):
    sample: torch.Tensor


class TinyUNet2DModel(ModelMixin, ConfigMixin):
    _supports_gradient_checkpointing = False

    @register_to_config
    def __init__(
        self,
        sample_size: int = 8,
        in_channels: int = 3,
        out_channels: int = 3,
        block_out_channels: Tuple[int, ...] = (8, 16),
        time_embedding_dim: int = 16,
    ):
        super().__init__()
        self.time_embedding_dim = time_embedding_dim
        self.conv_in = nn.Conv2d(in_channels, block_out_channels[0], kernel_size=3, padding=1)
        self.time_proj = nn.Linear(time_embedding_dim, block_out_channels[0])
        self.down = TinyDownBlock(block_out_channels[0], block_out_channels[1])
        self.up = TinyUpBlock(block_out_channels[1], block_out_channels[0])
        self.conv_out = nn.Conv2d(block_out_channels[0], out_channels, kernel_size=3, padding=1)

    def forward(self, sample: torch.Tensor, timestep: Union[torch.Tensor, int], return_dict: bool = True):
        if not torch.is_tensor(timestep):
            timestep = torch.tensor([timestep], device=sample.device)
        emb = self.time_proj(timestep_embedding(timestep, self.time_embedding_dim))
        h = self.conv_in(sample) + emb[:, :, None, None]
        h = self.up(self.down(h))
        out = self.conv_out(h)
        if not return_dict:
            return (out,)
        return TinyUNetOutput(sample=out)
'''

TINY_BLOCKS = '''# coding=utf-8
"""Blocks of the tiny UNet (imported by tiny_unet.py as `from .blocks import ...`)."""
import math

import torch
from torch import nn


def timestep_embedding(timesteps: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half).to(timesteps.device)
    args = timesteps[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TinyDownBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=2, padding=1)
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.conv(x))


class TinyUpBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv = nn.ConvTranspose2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1)
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.conv(x))
'''

# diffusers community pipeline: pipeline.py, loaded with custom_pipeline=<repo or folder>
COMMUNITY_PIPELINE = '''# coding=utf-8
"""Community pipeline: img2img with a strength schedule. Load with
DiffusionPipeline.from_pretrained(base, custom_pipeline="<this repo>", trust_remote_code=True)."""
from typing import Optional

import numpy as np
import PIL.Image
import requests
import torch

from diffusers import DDPMScheduler, DiffusionPipeline, ImagePipelineOutput, UNet2DModel
from diffusers.utils.torch_utils import randn_tensor


def load_image(url_or_path: str) -> PIL.Image.Image:
    if url_or_path.startswith("http://") or url_or_path.startswith("https://"):
        return PIL.Image.open(requests.get(url_or_path, stream=True).raw).convert("RGB")
    return PIL.Image.open(url_or_path).convert("RGB")


class ScheduledImg2ImgPipeline(DiffusionPipeline):
    def __init__(self, unet: UNet2DModel, scheduler: DDPMScheduler):
        super().__init__()
        self.register_modules(unet=unet, scheduler=scheduler)

    @torch.no_grad()
    def __call__(self, image, strength: float = 0.6, num_inference_steps: int = 50, generator: Optional[torch.Generator] = None):
        if isinstance(image, str):
            image = load_image(image)
        size = self.unet.config.sample_size
        array = np.asarray(image.resize((size, size)), dtype=np.float32) / 127.5 - 1.0
        latents = torch.from_numpy(array).permute(2, 0, 1)[None].to(self.device)
        self.scheduler.set_timesteps(num_inference_steps)
        start = int(num_inference_steps * (1 - strength))
        timesteps = self.scheduler.timesteps[start:]
        noise = randn_tensor(latents.shape, generator=generator, device=self.device)
        latents = self.scheduler.add_noise(latents, noise, timesteps[:1])
        for t in self.progress_bar(timesteps):
            latents = self.scheduler.step(self.unet(latents, t).sample, t, latents).prev_sample
        out = (latents / 2 + 0.5).clamp(0, 1).cpu().permute(0, 2, 3, 1).numpy()
        return ImagePipelineOutput(images=self.numpy_to_pil(out))
'''

# sentence-transformers custom module: modules.json "type": "custom_st.WeightedMeanPooling"
CUSTOM_ST = '''# coding=utf-8
"""A pooling module for sentence-transformers, loaded from the repository
(modules.json "type": "custom_st.WeightedMeanPooling")."""
import json
import os
from typing import Any, Dict

import torch
from torch import nn

from .pooling_utils import masked_mean


class WeightedMeanPooling(nn.Module):
    config_keys = ["dimension", "normalize"]

    def __init__(self, dimension: int, normalize: bool = True):
        super().__init__()
        self.dimension = dimension
        self.normalize = normalize
        self.weights = nn.Parameter(torch.ones(dimension))

    def forward(self, features: Dict[str, torch.Tensor], **kwargs) -> Dict[str, torch.Tensor]:
        pooled = masked_mean(features["token_embeddings"] * self.weights, features["attention_mask"])
        if self.normalize:
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=-1)
        features["sentence_embedding"] = pooled
        return features

    def get_sentence_embedding_dimension(self) -> int:
        return self.dimension

    def get_config_dict(self) -> Dict[str, Any]:
        return {key: getattr(self, key) for key in self.config_keys}

    def save(self, output_path: str, *args, **kwargs) -> None:
        with open(os.path.join(output_path, "config.json"), "w") as f:
            json.dump(self.get_config_dict(), f, indent=4)
        torch.save(self.state_dict(), os.path.join(output_path, "pytorch_model.bin"))

    @classmethod
    def load(cls, model_name_or_path: str, subfolder: str = "", **kwargs) -> "WeightedMeanPooling":
        path = os.path.join(model_name_or_path, subfolder)
        with open(os.path.join(path, "config.json")) as f:
            config = json.load(f)
        return cls(**config)
'''

POOLING_UTILS = '''# coding=utf-8
"""Helpers of custom_st.py (imported as `from .pooling_utils import masked_mean`)."""
import torch


def masked_mean(embeddings: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    mask = mask.unsqueeze(-1).to(embeddings.dtype)
    return (embeddings * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
'''

# transformers: config.json "custom_pipelines": {"pair-classification": {"impl": "custom_pipeline.PairClassificationPipeline"}}
CUSTOM_PIPELINE = '''# coding=utf-8
"""Pair classification as a custom transformers pipeline (config.json custom_pipelines)."""
import numpy as np

from transformers import Pipeline


def softmax(outputs):
    maxes = np.max(outputs, axis=-1, keepdims=True)
    shifted_exp = np.exp(outputs - maxes)
    return shifted_exp / shifted_exp.sum(axis=-1, keepdims=True)


class PairClassificationPipeline(Pipeline):
    def _sanitize_parameters(self, **kwargs):
        preprocess_kwargs = {}
        if "second_text" in kwargs:
            preprocess_kwargs["second_text"] = kwargs["second_text"]
        return preprocess_kwargs, {}, {}

    def preprocess(self, text, second_text=None):
        return self.tokenizer(text, text_pair=second_text, return_tensors=self.framework)

    def _forward(self, model_inputs):
        return self.model(**model_inputs)

    def postprocess(self, model_outputs):
        logits = model_outputs.logits[0].numpy()
        probabilities = softmax(logits)
        best_class = np.argmax(probabilities)
        label = self.model.config.id2label[best_class]
        score = probabilities[best_class].item()
        logits = logits.tolist()
        return {"label": label, "score": score, "logits": logits}
'''

# transformers: custom_generate/generate.py (GenerationMixin.load_custom_generate)
CUSTOM_GENERATE = '''# coding=utf-8
"""A custom decoding loop: greedy decoding that stops on a repeated n-gram.
transformers imports this module at from_pretrained(..., trust_remote_code=True)
and calls generate() when the user calls model.generate()."""
import torch


def _repeats(tokens: torch.Tensor, n: int) -> bool:
    if tokens.shape[-1] < 2 * n:
        return False
    return bool(torch.equal(tokens[..., -n:], tokens[..., -2 * n:-n]))


def generate(model, input_ids, generation_config=None, max_new_tokens: int = 32, stop_ngram: int = 3, **kwargs):
    generation_config = generation_config or model.generation_config
    tokens = input_ids
    for _ in range(max_new_tokens):
        logits = model(tokens, **kwargs).logits[:, -1, :]
        next_token = logits.argmax(dim=-1, keepdim=True)
        tokens = torch.cat([tokens, next_token], dim=-1)
        if generation_config.eos_token_id is not None and int(next_token[0, 0]) == generation_config.eos_token_id:
            break
        if _repeats(tokens, stop_ngram):
            break
    return tokens
'''
