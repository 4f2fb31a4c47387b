/**
 * The rules of `audit host`: each names the framework guidance it checks
 * and the fix. A table, one row per rule; ids are stable (`host/<what>`).
 */
export type HostSeverity = 'high' | 'medium' | 'low';

export interface Guidance {
  framework: 'PyTorch' | 'MXNet' | 'PyTorch and MXNet';
  /** What the guidance says, in one sentence. */
  says: string;
  reference: string;
}

export interface HostRule {
  id: string;
  severity: HostSeverity;
  title: string;
  guidance: Guidance;
  fix: string;
}

const PYTORCH_UNTRUSTED: Guidance = {
  framework: 'PyTorch',
  says: 'Untrusted models are code: load them with weights_only=True or a safe format, in a sandbox with only the permissions they need.',
  reference: 'https://github.com/pytorch/pytorch/blob/main/SECURITY.md#untrusted-models',
};
const MXNET_PRIVILEGE: Guidance = {
  framework: 'MXNet',
  says: 'Run MXNet with least privilege: never as root, with the network isolated and checkpoints kept from unauthorized access.',
  reference: 'https://mxnet.apache.org/versions/master/api/faq/security',
};

export const HOST_RULES = {
  mlProcessRoot: {
    id: 'host/ml-process-root',
    severity: 'high',
    title: 'ML training or serving process runs as root',
    guidance: {
      framework: 'PyTorch and MXNet',
      says: 'Give a model only the permissions it strictly needs (PyTorch); never run as root (MXNet).',
      reference: MXNET_PRIVILEGE.reference,
    },
    fix: 'Run the job as a dedicated unprivileged user (systemd User=, a container USER, or sudo -u), with write access only to its output folder.',
  },
  sensitiveWorldReadable: {
    id: 'host/sensitive-world-readable',
    severity: 'medium',
    title: 'Checkpoint, key or vault folder readable by every user',
    guidance: MXNET_PRIVILEGE,
    fix: 'chmod o-rwx on the folder (and its files); share through a group instead.',
  },
  keyWorldReadable: {
    id: 'host/key-world-readable',
    severity: 'high',
    title: 'Private key or identity file readable by other users',
    guidance: MXNET_PRIVILEGE,
    fix: 'chmod 600 the key file and 700 its folder.',
  },
  groupWritable: {
    id: 'host/sensitive-group-writable',
    severity: 'medium',
    title: 'Checkpoint, key or vault folder writable by its group or everyone',
    guidance: { ...PYTORCH_UNTRUSTED, says: 'A checkpoint someone else can replace is an untrusted model: whoever writes it runs code in your loader.' },
    fix: 'chmod g-w,o-w on the folder and its files; keep write access to the training job alone.',
  },
  checkpointUnencrypted: {
    id: 'host/checkpoint-unencrypted',
    severity: 'low',
    title: 'Checkpoint folder holds unencrypted checkpoints',
    guidance: MXNET_PRIVILEGE,
    fix: 'Keep checkpoints encrypted at rest: `modelguard vault watch` encrypts each new checkpoint with age and removes the plaintext.',
  },
  weightsOnlyFalse: {
    id: 'host/source-weights-only-false',
    severity: 'high',
    title: 'torch.load(..., weights_only=False)',
    guidance: PYTORCH_UNTRUSTED,
    fix: 'Use weights_only=True (the default since PyTorch 2.6), or convert the checkpoint to safetensors (`modelguard convert`).',
  },
  torchLoadDefault: {
    id: 'host/source-torch-load-default',
    severity: 'medium',
    title: 'torch.load without weights_only',
    guidance: PYTORCH_UNTRUSTED,
    fix: 'Pass weights_only=True explicitly: before PyTorch 2.6 the default unpickles anything.',
  },
  pickleLoad: {
    id: 'host/source-pickle-load',
    severity: 'medium',
    title: 'pickle.load / pickle.loads on data that may come from elsewhere',
    guidance: PYTORCH_UNTRUSTED,
    fix: 'Do not unpickle files or bytes you did not produce; store tensors as safetensors and metadata as JSON.',
  },
  trustRemoteCode: {
    id: 'host/source-trust-remote-code',
    severity: 'high',
    title: 'trust_remote_code=True',
    guidance: { ...PYTORCH_UNTRUSTED, says: 'Remote model code runs with your permissions: treat it as untrusted code and sandbox it.' },
    fix: 'Drop trust_remote_code, or pin the repository revision (revision=<commit>) after reviewing its code.',
  },
  allowPickle: {
    id: 'host/source-allow-pickle',
    severity: 'high',
    title: 'numpy.load(..., allow_pickle=True)',
    guidance: PYTORCH_UNTRUSTED,
    fix: 'Keep allow_pickle=False (numpy default); store object data another way.',
  },
  envSecret: {
    id: 'host/env-file-secret',
    severity: 'medium',
    title: 'Secret in an environment file',
    guidance: {
      ...MXNET_PRIVILEGE,
      says: 'Keep credentials from unauthorized access: a token in a project file travels with every copy, commit and container image of it.',
    },
    fix: 'Move the secret to a secret store or a file outside the project with mode 600, and rotate it if the file was ever shared or committed.',
  },
} as const satisfies Record<string, HostRule>;
