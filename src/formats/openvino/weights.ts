/**
 * OpenVINO `.bin` weights: raw constants with no format of their own,
 * credited when the `.xml` IR of the same name in the same scan slices
 * exactly that many bytes (the XML names only ranges; a `.bin` that is a
 * pickle or a zip keeps its own verdict).
 */
import { companionPass } from '../companion.js';
import { WEIGHT_BYTES_INFO } from './scanner.js';

export const openvinoWeightsPass = companionPass({
  id: 'openvino-weights',
  describedBy: 'openvino-ir',
  sizeKey: WEIGHT_BYTES_INFO,
  companionOf: (path) => (path.endsWith('.xml') ? `${path.slice(0, -4)}.bin` : undefined),
  format: 'openvino-weights',
  kind: 'model-data-only',
  rule: {
    id: 'openvino/weights-of',
    title: 'Weights of an OpenVINO IR',
    severity: 'info',
    help: 'A .bin with no format of its own beside an OpenVINO .xml in the same scan whose constants span exactly its bytes: numbers the runtime reads into Const nodes.',
    references: ['https://docs.openvino.ai/2024/documentation/openvino-ir-format.html'],
  },
});
