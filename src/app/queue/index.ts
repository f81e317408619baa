/** Queue mode (BullMQ over Redis): the coordinator's backend and the worker process. */
export { QueueBackend, type QueueBackendOptions } from './backend.js';
export {
  startQueueWorker,
  isTransient,
  TransientError,
  type QueueWorkerHandle,
  type QueueWorkerOptions,
} from './worker.js';
export {
  QUEUE_NAME,
  DEFAULT_TIMING,
  JOB_ATTEMPTS,
  checkRedisUrl,
  jobIdFor,
  jobName,
  queueUrlFromEnv,
  type QueueTiming,
} from './settings.js';
