/**
 * Rules of `audit network` and `audit launch`: distributed-training
 * endpoints reachable beyond the machine, and pickle sent over the wire.
 */
import type { Guidance, HostRule } from './host-rules.js';

const PYTORCH_DISTRIBUTED: Guidance = {
  framework: 'PyTorch',
  says: 'c10d, RPC and TCPStore have no authorization and send messages unencrypted: anyone who can reach them can run code as the training user. Keep them on an isolated network.',
  reference: 'https://github.com/pytorch/pytorch/blob/main/SECURITY.md#using-distributed-features',
};
const MXNET_DISTRIBUTED: Guidance = {
  framework: 'MXNet',
  says: 'Distributed MXNet has no node authentication, exchanges plain text, and servers run the pickled optimizer a worker sends; run it only on an isolated network.',
  reference: 'https://mxnet.apache.org/versions/master/api/faq/security',
};
const TUNNEL_FIX = 'Bind to 127.0.0.1 (or firewall the port) and reach it from other nodes through `modelguard tunnel` (mutual TLS, docs/distributed.md).';

export const NETWORK_RULES = {
  mlPortExposed: {
    id: 'network/ml-port-exposed',
    severity: 'high',
    title: 'Distributed-training or model-serving port listening beyond loopback',
    guidance: PYTORCH_DISTRIBUTED,
    fix: TUNNEL_FIX,
  },
  publicRendezvous: {
    id: 'launch/public-rendezvous',
    severity: 'high',
    title: 'Rendezvous endpoint on a public address',
    guidance: PYTORCH_DISTRIBUTED,
    fix: 'Use a private address or 127.0.0.1 with `modelguard tunnel run`, so the store is reached only through mutual TLS.',
  },
  bindAll: {
    id: 'launch/bind-all',
    severity: 'medium',
    title: 'Service bound to every interface (0.0.0.0 / ::)',
    guidance: PYTORCH_DISTRIBUTED,
    fix: TUNNEL_FIX,
  },
  pickleOverWire: {
    id: 'launch/pickle-over-wire',
    severity: 'medium',
    title: 'Pickle over the network (object collectives or RPC)',
    guidance: {
      ...PYTORCH_DISTRIBUTED,
      says: 'The *_object collectives and torch.distributed.rpc pickle what they send and unpickle what they receive: a peer that can reach them runs code.',
    },
    fix: 'Send tensors (all_gather, broadcast) instead of objects, and keep every peer inside an authenticated network (modelguard tunnel).',
  },
  mxnetOptimizerPickle: {
    id: 'launch/mxnet-set-optimizer',
    severity: 'high',
    title: 'kvstore.set_optimizer sends a pickled optimizer to the servers',
    guidance: MXNET_DISTRIBUTED,
    fix: 'Run the servers only on an isolated network with authenticated transport; never expose DMLC_PS_ROOT_PORT.',
  },
} as const satisfies Record<string, HostRule>;

/** Known ML ports and what listens there by default. */
export const ML_PORTS: ReadonlyMap<number, string> = new Map([
  [29500, 'PyTorch TCPStore / c10d (MASTER_PORT default)'],
  [29400, 'torchrun c10d rendezvous (default endpoint port)'],
  [8265, 'Ray dashboard and job API'],
  [6379, 'Ray GCS (or Redis)'],
  [10001, 'Ray client server'],
  [8080, 'TorchServe inference API'],
  [8081, 'TorchServe management API'],
  [8082, 'TorchServe metrics API'],
  [7070, 'TorchServe gRPC inference'],
  [7071, 'TorchServe gRPC management'],
  [9091, 'MXNet parameter-server scheduler (DMLC_PS_ROOT_PORT, common choice)'],
]);
