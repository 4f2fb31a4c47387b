/**
 * PyTorch quantization observers, fake-quantize modules and stubs: what a
 * model prepared for quantization-aware training or calibration holds, and
 * what `torch.save(model)` then pickles. They are `nn.Module`s: rebuilt
 * with `__new__` and `Module.__setstate__` (a `__dict__` update) with
 * tensors (min/max statistics, histograms, scales) and constants (dtype,
 * qscheme) as state; none defines its own `__setstate__` or `__reduce__`
 * (torch/ao/quantization/observer.py, fake_quantize.py, stubs.py). Exact
 * names, under both module paths torch has used (`torch.ao.quantization`
 * since 1.10, `torch.quantization` before).
 */
import type { AllowEntry } from '../types.js';

const OBSERVERS = [
  'MinMaxObserver',
  'MovingAverageMinMaxObserver',
  'PerChannelMinMaxObserver',
  'MovingAveragePerChannelMinMaxObserver',
  'HistogramObserver',
  'PlaceholderObserver',
  'RecordingObserver',
  'NoopObserver',
  'ReuseInputObserver',
  'FixedQParamsObserver',
];
const FAKE_QUANTIZE = ['FakeQuantize', 'FixedQParamsFakeQuantize', 'FusedMovingAvgObsFakeQuantize'];
const STUBS = ['QuantStub', 'DeQuantStub', 'QuantWrapper'];

const WHY =
  'a quantization observer/fake-quantize module: nn.Module rebuilt with __new__ and Module.__setstate__, its state tensors (statistics, scales) and constants';

export const QUANTIZATION_ALLOW: readonly AllowEntry[] = ['torch.ao.quantization', 'torch.quantization'].flatMap((pkg) => [
  ...OBSERVERS.map((c): AllowEntry => ({ name: `${pkg}.observer.${c}`, uses: ['new', 'build', 'arg'], why: WHY })),
  ...FAKE_QUANTIZE.map((c): AllowEntry => ({ name: `${pkg}.fake_quantize.${c}`, uses: ['new', 'build', 'arg'], why: WHY })),
  ...STUBS.map((c): AllowEntry => ({
    name: `${pkg}.stubs.${c}`,
    uses: ['new', 'build', 'arg'],
    why: 'a quantization stub module (an nn.Module marking where tensors are quantized): Module.__setstate__ only',
  })),
]);
