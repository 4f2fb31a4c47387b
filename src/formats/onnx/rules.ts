/**
 * ONNX finding rules, and the info key that lists a model's external data.
 * Kept apart from the scanner so reporters and directory scans know them
 * without loading protobufjs.
 */
import { defineRules } from '../../findings/rules.js';

/** Info key listing a model's external data locations (directory scans adopt those files). */
export const EXTERNAL_DATA_INFO = 'external data files';

const EXT_DOC = 'https://github.com/onnx/onnx/blob/main/docs/ExternalData.md';

defineRules([
  {
    id: 'onnx/external-data-traversal',
    title: 'External data path escapes the model directory',
    severity: 'malicious',
    help: 'A tensor\'s external_data location is absolute or contains "..": loading the model reads an arbitrary file (for example /etc/passwd or an SSH key) into a tensor, from where inference can leak it. Do not load it.',
    references: [EXT_DOC, 'https://nvd.nist.gov/vuln/detail/CVE-2022-25882', 'https://nvd.nist.gov/vuln/detail/CVE-2024-27318'],
  },
  {
    id: 'onnx/external-data-memory',
    title: 'External data uses the onnxruntime memory-address marker',
    severity: 'malicious',
    help: 'The location */_ORT_MEM_ADDR_/* makes unpatched onnxruntime treat the offset as a pointer into its own memory: an arbitrary memory read or crash. No model file has a reason to contain it.',
    references: ['https://github.com/microsoft/onnxruntime/pull/28709'],
  },
  {
    id: 'onnx/external-data-special-file',
    title: 'External data is not a regular file',
    severity: 'malicious',
    help: 'The external data resolves to a device, FIFO, socket or directory (or a Windows device name): reading it blocks, never ends or exposes system state.',
    references: [EXT_DOC],
  },
  {
    id: 'onnx/external-data-link',
    title: 'External data goes through a link',
    severity: 'suspicious',
    help: 'The external data file is a symbolic link or has several hard links, so its bytes may come from outside the model directory. Current onnx refuses such files.',
    references: [EXT_DOC],
  },
  {
    id: 'onnx/external-data-range',
    title: 'External data range is invalid',
    severity: 'suspicious',
    help: 'offset/length are not non-negative integers or lie outside the referenced file; loaders fail or read the wrong bytes.',
    references: [EXT_DOC],
  },
  {
    id: 'onnx/external-data-missing',
    title: 'External data file not present',
    severity: 'info',
    help: 'The model references an external data file that is not next to it, so it could not be checked.',
  },
  {
    id: 'onnx/custom-domain',
    title: 'Operators from a custom domain',
    severity: 'suspicious',
    help: "Nodes use operators outside the ONNX standard domains, onnxruntime's built-in contrib domains and the model's own functions. Running the model needs a custom operator library (native code, or Python callables for onnxruntime-extensions PyOp) that the user must register: make sure it comes from a trusted source.",
    references: ['https://onnxruntime.ai/docs/reference/operators/add-custom-op.html'],
  },
  {
    id: 'onnx/malformed',
    title: 'ONNX protobuf is malformed',
    severity: 'suspicious',
    help: 'The protobuf encoding is broken (lengths past the end of a message, invalid tags) or ambiguous (several locations for one tensor). Loaders reject or misread it; a scanner and a loader could see different models.',
  },
]);
