/**
 * TorchScript archives: their pickles are read by torch.jit's C++
 * unpickler, which resolves `__torch__.*` to classes compiled from the
 * archive's own code/ (analysed separately) and `torch.jit._pickle.*`
 * helpers that rebuild typed lists and tensors.
 */
import type { AllowEntry } from '../types.js';

export const TORCHSCRIPT_ALLOW: readonly AllowEntry[] = [
  {
    name: '__torch__.**',
    uses: ['new', 'build', 'call', 'arg'],
    why: "a class compiled from the archive's code/ (not a Python import); that code is analysed by the TorchScript scanner",
  },
  { name: 'torch.jit._pickle.{func}', uses: ['call', 'arg'], why: 'rebuilds typed lists and tensors (build_intlist, build_tensor_from_id, restore_type_tag)' },
];
