/**
 * A hashing worker (see zip-digest.ts): hashes its share of a zip's entries and
 * posts the digests, or the first failure, back to the thread that started it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { workerMain, type WorkerJob } from './zip-digest.js';

parentPort!.postMessage(await workerMain(workerData as WorkerJob));
