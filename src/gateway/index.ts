/** The inference gateway's public API (re-exported from the package entry). */
export { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
export { loadConfig, parseConfig } from './config/load.js';
export type { GatewayConfig, RouteConfig, UpstreamConfig, ListenerConfig, LimitsConfig } from './config/types.js';
export { GatewayError, Refusal, type GatewayErrorCode } from './errors.js';
export type { Detector, Detection, DetectorFactory, DetectorMode, DetectorRule } from './verify/detector.js';
export { createFallbackDetector } from './verify/fallback-detector.js';
export { generateApiKey, hashSecret } from './auth/key-format.js';
export { findSensitive } from './redact/find.js';
export type { SensitiveMatch } from './redact/recogniser.js';
export { shapiroWilk } from './steal/shapiro-wilk.js';
