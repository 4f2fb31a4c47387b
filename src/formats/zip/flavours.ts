/**
 * Zip flavours in the order they are tried: the most specific layout first,
 * the plain archive last. Adding one is one import and one line here.
 */
import { kerasV3Flavour } from '../keras/v3-flavour.js';
import { torchscriptFlavour } from '../torch/torchscript.js';
import { torchZipFlavour } from '../torch/zip-checkpoint.js';
import { npzFlavour } from '../numpy/npz.js';
import type { ZipFlavour } from './flavour.js';
import { genericZipFlavour } from './generic.js';

export const ZIP_FLAVOURS: ZipFlavour[] = [torchscriptFlavour, torchZipFlavour, kerasV3Flavour, npzFlavour, genericZipFlavour];
