// What `payload-bench export` writes for: the e2e config it was given and Artillery's own settings.
import type { E2eConfig } from '../load/index.js';

export const DEFAULT_EXPORT_OUT = 'artillery-export';

/** Where Artillery sends when --target / --rest-target are not given: `npm run serve`'s default ports. */
export const DEFAULT_GRPC_TARGET = '127.0.0.1:8500';

export const DEFAULT_REST_TARGET = '127.0.0.1:8501';

export interface ExportConfig {
  e2e: E2eConfig;
  /** Whole searches per second. */
  rate: number;
  /** The measured phase: --duration, or --requests at --rate when that ends sooner (whole seconds). */
  durationMs: number;
  /** Where requests are cut: --hard-cap-ms where the e2e options have it, else the --deadline-ms budget. */
  hardCapMs: number;
  grpcTarget: string;
  restTarget: string;
  out: string;
}
