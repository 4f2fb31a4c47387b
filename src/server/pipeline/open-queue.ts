/** The job queue the configuration names (job-queue.ts). */
import type { RegistryConfig } from '../config.js';
import { BullQueue } from './bullmq.js';
import type { JobQueue } from './job-queue.js';
import { DatabaseQueue } from './queue.js';
import type { PipelineDeps } from './run.js';

export function openQueue(config: RegistryConfig, deps: PipelineDeps): JobQueue {
  switch (config.queue.kind) {
    case 'database':
      return new DatabaseQueue(deps, config.workers, config.leaseSeconds);
    case 'redis':
      return new BullQueue(deps, { url: config.queue.url, prefix: config.queue.prefix, workers: config.workers, leaseSeconds: config.leaseSeconds });
  }
}
