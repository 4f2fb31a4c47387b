/**
 * modelguard library entry point. Everything public is exported here;
 * deep imports are not part of the API.
 */
export { VERSION } from './version.js';
export { ModelguardError, isModelguardError, type ErrorCode } from './errors.js';
export { ByteReader } from './bytes/reader.js';
export { BufferSource, FileSource, SliceSource, type ByteSource } from './bytes/source.js';
export type { Finding, Location, Severity } from './findings/finding.js';
export { type Verdict, verdictOf, worst, fails } from './findings/verdict.js';
export type { FileReport, ScanReport } from './findings/report.js';
export { FILE_KINDS, type FileKind } from './findings/kind.js';
export { REPORT_SCHEMA } from './findings/report.js';
export { DEFAULT_LIMITS, type Limits } from './formats/limits.js';
export { scanSource, scanBuffer, type ScanOptions } from './scan/engine.js';
export { scanFile } from './scan/scan-file.js';
export { scanDirectory, scanPaths, type DirectoryScanOptions } from './scan/directory.js';
export type { FormatScanner, Probe } from './formats/format.js';
export type { ScanContext } from './formats/context.js';
export {
  openCheckpoint,
  loadCheckpoint,
  tensorBytes,
  tensorChunks,
  type Checkpoint,
  type CheckpointTensor,
  type LeftBehind,
  type LoadOptions,
  type OpenOptions,
} from './convert/load/checkpoint.js';
export type { CkValue, Tensor, Storage, PathPart } from './convert/load/tree.js';
export { convert } from './convert/index.js';
export { convertCheckpoint, type ConvertOptions, type ConvertReport } from './convert/convert.js';
export { convertFolder } from './convert/folder.js';
export { convertNpz } from './convert/npz.js';
export { ConvertError, isConvertError, type ConvertErrorCode } from './convert/errors.js';
export { planSafetensors, serializeSafetensors, type SafetensorsPlan } from './convert/safetensors/writer.js';
export { readSafetensorsStrict, type SafetensorsFile } from './convert/safetensors/strict-reader.js';
export { TORCH_DTYPES, type SafetensorsDtype, type TorchDtype } from './convert/dtypes.js';
export { classifyText, type TextEncoding, type TextKind } from './formats/text/charset.js';

// ---- Encrypted vault (age) -------------------------------------------------
// age v1 encryption (X25519, scrypt, armor) on Node's native crypto, the
// checkpoint vault watcher and retention. See README "Encrypted vault (age)".
export { VaultError, type VaultErrorCode } from './vault/errors.js';
export { AgeError, type AgeErrorCode } from './age/errors.js';
export type { Identity, Recipient } from './age/recipient.js';
export type { Stanza, Header } from './age/format.js';
export { X25519Identity, X25519Recipient } from './age/x25519.js';
export { ScryptIdentity, ScryptRecipient } from './age/scrypt.js';
export { HybridIdentity, HybridRecipient } from './age/hybrid.js';
export { parseIdentity, parseIdentitiesFile, parseRecipient, parseRecipientsFile } from './age/keys.js';
export { Encryptor, encryptBytes, encryptStream, type EncryptOptions } from './age/encrypt.js';
export { Decryptor, decryptBytes, decryptStream } from './age/decrypt.js';
export {
  decryptFile,
  decryptHandle,
  decryptTo,
  encryptFile,
  encryptTo,
  handleSink,
  streamSink,
  type EncryptResult,
  type Sink,
  type Source,
  type StreamOptions,
} from './age/file.js';
export { ChunkPool } from './age/pool.js';
export { AgeFileSource, looksLikeAge, openDecryptedSource, type DecryptedSourceOptions } from './age/source.js';
export { runVault, type WatchOptions, type WatchResult } from './vault/watch.js';
export { DEFAULT_RULES, type CompletenessRules } from './vault/complete.js';
export { loadManifest, type Manifest, type VaultEntry } from './vault/manifest.js';
export { decide as decideRetention, applyPrune, pruneVerified, type PruneDecision, type RetentionPolicy } from './vault/retention.js';
export { checkCopy, checkCopies, type CopyCheck, type CopyHealth } from './vault/integrity.js';
// ---- end encrypted vault ----------------------------------------------------

// --- model signing (OpenSSF Model Signing) and scan attestations
export { SignError, type SignErrorCode, type Difference } from './sign/errors.js';
export { hashModel, type HashOptions, GIT_PATHS, DEFAULT_SHARD_SIZE } from './sign/manifest/serialize.js';
export { rootDigest, type Manifest as ModelManifest, type Resource as ModelResource, type Serialization } from './sign/manifest/manifest.js';
export {
  signModel,
  signStatement,
  signStatementAsync,
  type SignMethod,
  type LocalSignMethod,
  type SigstoreSignMethod,
  type SignOptions,
  type SignResult,
} from './sign/sign.js';
export { loadSigningServices, servicesFromConfig, PUBLIC_GOOD_SERVICES, type SigstoreServices } from './sign/signing-config.js';
export { verifyModel, verifySignatureFile, type VerifyMethod, type VerifyOptions, type VerifyResult } from './sign/verify.js';
export { attestScan, verifyAttestation, SCAN_PREDICATE, type ScanPredicate, type AttestationCheck } from './sign/attest.js';
export { generateSigningKey, writeKeyPair, type Curve } from './sign/keygen.js';

// --- sandboxed detonation and the host audit
export { detonate, DETONATION_SCHEMA, type DetonateOptions, type Detonation } from './sandbox/detonate.js';
export { SandboxError, type SandboxErrorCode } from './sandbox/errors.js';
export { LOADER_IDS, LOADERS, loaderForFormat, type LoaderId, type LoaderSpec } from './sandbox/loaders.js';
export { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './sandbox/limits.js';
export { SINK_KINDS, type SinkKind, type EvidenceEvent, type SandboxFile } from './sandbox/evidence.js';
export { DYNAMIC_VERDICTS, type DynamicVerdict } from './sandbox/verdict.js';
export { installedBackends, type ChosenBackend } from './sandbox/backend/detect.js';
export { buildFilter as buildSeccompFilter, filterBytes as seccompFilterBytes } from './sandbox/seccomp/filter.js';
export { auditHost, type HostAuditOptions } from './audit/host.js';
export { HOST_AUDIT_SCHEMA, type HostAuditReport, type HostFinding } from './audit/host-finding.js';
export { HOST_RULES, type HostRule, type Guidance } from './audit/host-rules.js';

// ---- inference gateway (issue 17) ---------------------------------------------
// See README "Inference gateway" and docs/gateway.md.
export {
  createGateway,
  loadConfig as loadGatewayConfig,
  parseConfig as parseGatewayConfig,
  GatewayError,
  Refusal as GatewayRefusal,
  createFallbackDetector,
  generateApiKey,
  hashSecret as hashApiKeySecret,
  findSensitive,
  shapiroWilk,
  type Gateway,
  type GatewayOptions,
  type GatewayConfig,
  type GatewayErrorCode,
  type Detector,
  type Detection,
  type DetectorFactory,
  type DetectorMode,
  type DetectorRule,
  type SensitiveMatch,
} from './gateway/index.js';
export { createDetector, runRedteam } from './detect/index.js';
