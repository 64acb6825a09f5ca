// Types of the engine for TypeScript callers (payload-bench's tests); Artillery itself loads index.js.
import type { EventEmitter } from 'node:events';

export declare const ENGINE_NAME: 'payload-bench';
export declare const WARMUP_PHASE: 'warmup';

export interface EngineConfig {
  manifest?: string;
  grpcTarget?: string;
  restTarget?: string;
  budgetMs?: number;
  hardCapMs?: number;
  connections?: number | null;
}

export type ScenarioFn = (context: object, callback: (err: Error | null, context: object) => void) => void;

export default class PayloadBenchEngine {
  constructor(script: { config: { engines?: Record<string, EngineConfig> }; _scriptPath?: string }, ee: EventEmitter, helpers: unknown);
  createScenario(spec: { name?: string; flow: { search: string }[] }, ee: EventEmitter): ScenarioFn;
  close(): void;
}
