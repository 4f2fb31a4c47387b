/** The ONNX entry of the format registry: sniffer and rules now, protobufjs when an ONNX file shows up. */
import { lazyFormat } from '../lazy.js';
import './rules.js';
import { sniffOnnx } from './sniff.js';

export const onnxFormat = lazyFormat({ id: 'onnx', title: 'ONNX model', sniff: sniffOnnx }, async () => (await import('./scanner.js')).onnxScanner);
