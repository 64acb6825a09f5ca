// `payload-bench e2e --help`: what to send, how hard, how long, where, the network, faults, output.
import {
  DEFAULT_BATCH_SIZES,
  DEFAULT_COMPRESSIONS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_DURATION_MS,
  DEFAULT_E2E_FORMATS,
  DEFAULT_E2E_SCENARIO,
  DEFAULT_FLOOR_CALLS,
  DEFAULT_MIN_SEARCHES,
  DEFAULT_MODEL_NAME,
  DEFAULT_OUT,
  DEFAULT_SEARCHES,
  DEFAULT_WARMUP_MS,
  HARD_CAP_FACTOR,
  MAX_COMBINATION_MS,
} from '../load/config.js';

export const E2E_USAGE = `Usage: payload-bench e2e [options]

End-to-end load test: spawns the stub TF Serving server in its own process (or uses
--target), measures the harness floor (a no-op call per transport), sends searches split
into batches, and reports per-request and per-search latency over every search (percentiles
with 95 % confidence intervals, only where the sample supports them), the share within the
budget, accounting, a per-request time breakdown and CPU cost. Writes e2e.json to the output
folder and prints a table.

What to send:
  --scenario <preset|file>   scenario (default ${DEFAULT_E2E_SCENARIO}, or with --target alone the
                             model's signature read with GetModelMetadata); a search = its candidates
  --data <file>              replay your own recorded requests round-robin, one per search: TFRecord
                             of tf.Example or ExampleListWithContext, or JSON Lines of REST bodies;
                             schema inferred from the data, or checked against --scenario
  --data-format <f>          tfrecord-example, tfrecord-elwc or jsonl (default: detected)
  --skip-corrupt             skip and count corrupt records instead of stopping at the first
  --candidates <N>           override the scenario's candidates per search; with --data,
                             regroup the recorded examples into requests of N
  --seed <S>                 override the scenario's seed
  --formats <a,b|all>        formats (default ${DEFAULT_E2E_FORMATS.join(',')})
  --compression <list>       identity,gzip,deflate: gRPC message compression, REST request
                             body Content-Encoding (default ${DEFAULT_COMPRESSIONS.join(',')})
  --batch-size <list>        candidates per request, e.g. 5,25,100,1000 (default ${DEFAULT_BATCH_SIZES.join(',')})

How hard (one of):
  --rate <R|auto>            open loop (default): R searches/s started on schedule; latency is
                             measured from each search's intended start. auto (default) = one
                             rate for every format of a batch size and compression: half the
                             rate the fastest of them reaches one search at a time (warmup)
  --arrival constant|poisson open-loop arrivals (default constant)
  --concurrency <N>          closed loop: N searches in flight, back to back

How long (per format x compression x batch size):
  --requests <N>             searches per cell (each is ceil(candidates / batch) requests)
                             (default ${DEFAULT_SEARCHES}); a format too slow to answer N within the time cap
                             gets fewer, sized from its one-at-a-time time, but --min-searches
  --duration <time>          time cap of a cell's schedule, e.g. 10s (default ${DEFAULT_DURATION_MS / 1000}s; with
                             --requests alone ${MAX_COMBINATION_MS / 1000}s); alone: measure for this long
  --min-searches <N>         fewest searches a slow format is sized down to (default ${DEFAULT_MIN_SEARCHES})
  --warmup <time>            one-at-a-time searches before each cell (default ${DEFAULT_WARMUP_MS / 1000}s)
  --deadline-ms <ms>         per-search budget (SLO) from its intended start (default ${DEFAULT_DEADLINE_MS});
                             searches over it are counted and still timed to their answer
  --hard-cap-ms <ms>         cut a search this long after its intended start (default ${HARD_CAP_FACTOR}x the
                             budget); cut searches are counted at the cap, never dropped
  --floor-calls <N>          no-op calls per transport for the harness floor (default ${DEFAULT_FLOOR_CALLS})

Where:
  --target <host:port>       measure a running gRPC server instead of spawning the stub. Its
                             signature (GetModelMetadata) gives the schema when neither --scenario
                             nor --data is given; otherwise they are checked against it first and
                             every mismatch is explained (exit 2, nothing sent)
  --rest-target <host:port>  its REST endpoint (for json-* and msgpack formats)
  --model-name <name>        model to call (default ${DEFAULT_MODEL_NAME})
  --protocol tfs|oip         the --target's API: TF Serving's (default) or the Open Inference Protocol
                             (Triton, KServe, MLServer): the schema comes from ModelMetadata, and
                             the default formats are oip-typed, oip-raw (+ oip-json, oip-binary
                             with --rest-target)
  --signature <name>         signature for every format (default: each format's own); with
                             --target, the signature the schema is read from or checked against
                             (default serving_default)
  --connections <K>          gRPC channels to spread requests over (default 1); REST keep-alive
                             socket cap (default: one per in-flight request)

Network (through a shaping relay on 127.0.0.1):
  --bandwidth <bw>           link bandwidth per direction, e.g. 100mbit, 1gbit
  --rtt <time>               added round-trip time, e.g. 2ms (half each way)
  --sweep bandwidth=<list>   repeat everything per bandwidth, e.g. bandwidth=100mbit,1gbit,10gbit
  --sweep workers=<list>     repeat everything per stub worker count, e.g. workers=1,2
  --sweep batching=<list>    repeat everything with stub batching off and per parameters file,
                             e.g. batching=off,batching.txt (with workers: every combination)

Stub fault injection (spawned stub only):
  --delay-ms <ms>  --stall-every <N> --stall-ms <ms>  --error-rate <p>  --model-cost <n>
  --workers <N>              stub worker threads that decode and compute (0 = its main thread;
                             default one per core)
  --batching-parameters-file <file>  run the stub with TF Serving batching (--enable_batching),
                             parameters in TF Serving's text format

Output and cost:
  --core-hour-usd <price>    monthly cost estimate at 1,000 searches/s
  --out <dir>                output folder for e2e.json (default ${DEFAULT_OUT}/)
  --json                     print the results JSON on stdout; tables and progress go to stderr
  -h, --help                 show this help

Exit codes: 0 done, 1 unexpected failure, 2 bad arguments, 3 the server could not be
started or reached, 130 interrupted (what was measured is written).`;
