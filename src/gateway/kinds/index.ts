/** The adapter for each route kind. */
import type { RouteKind } from '../config/types.js';
import type { RouteAdapter } from './adapter.js';
import { jsonRoute } from './json-route.js';
import { kserveV2 } from './kserve-v2.js';
import { openAIChat } from './openai-chat.js';
import { openAICompletions } from './openai-completions.js';

export function adapterFor(kind: RouteKind): RouteAdapter {
  switch (kind) {
    case 'openai-chat':
      return openAIChat;
    case 'openai-completions':
      return openAICompletions;
    case 'kserve-v2':
      return kserveV2;
    case 'torchserve':
    case 'json':
      return jsonRoute;
  }
}
