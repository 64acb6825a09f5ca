// `payload-bench bench --help`.
import { MAX_CANDIDATES } from '../scenario/index.js';
import { DEFAULT_CODECS, DEFAULT_OUT_DIR, DEFAULT_PLAN, DEFAULT_SCENARIO, QUICK_PLAN } from '../bench/measure-plan.js';

export const BENCH_USAGE = `Usage: payload-bench bench [options]

Measures every format x codec on each scenario (bytes, encode, compress, decompress,
decode, and each as a multiple of the scenario's floor) and writes latest.json, summary.md
and results.csv to the output folder.

Options:
  --quick                 short run (1 round, fewer samples; <= 60 s on 2 cores)
  --scenario <preset|file>  scenario preset or JSON file; repeatable (default ${DEFAULT_SCENARIO})
  --data <file>           measure your own recorded requests instead: TFRecord of tf.Example or
                          ExampleListWithContext, or JSON Lines of TF Serving REST bodies. The
                          first request is measured; the schema is inferred from the data, or
                          checked against --scenario when one is given
  --data-format <f>       tfrecord-example, tfrecord-elwc or jsonl (default: detected)
  --skip-corrupt          skip and count corrupt records instead of stopping at the first
  --formats <a,b|all>     formats to measure (default all but oip-typed and oip-json; see npm run formats)
  --codecs <list>         codec specs, e.g. identity,gzip:1,zstd:3
                          (default ${DEFAULT_CODECS})
  --candidates <N>        override every scenario's candidate count (1..${MAX_CANDIDATES});
                          with --data, regroup the recorded examples into requests of N
  --seed <S>              override every scenario's seed (0..4294967295)
  --out <dir>             output folder (default ${DEFAULT_OUT_DIR}/)
  --json                  print the results JSON on stdout; progress and tables go to stderr
  --sweep <dim=v1,v2,..>  also measure growth along candidates or features, e.g.
                          --sweep candidates=10,100,1000,10000; repeatable per dimension
  --rounds <N>            child processes per format (default ${DEFAULT_PLAN.rounds}, quick ${QUICK_PLAN.rounds})
  --time-ms <ms>          time budget per timed op and round (default ${DEFAULT_PLAN.timeMs}, quick ${QUICK_PLAN.timeMs})
  --min-samples <N>       minimum samples per timed op and round (default ${DEFAULT_PLAN.minSamples}, quick ${QUICK_PLAN.minSamples})
  --no-e2e                skip the end-to-end pass (it is skipped by --quick and --check)
  --peers                 also time peer libraries on the same bytes in the same child:
                          protobufjs and protobuf-es (gRPC formats), JSON.parse + gather
                          (JSON formats), msgpackr (msgpack); adds ~1.5 min
  --check                 the CI gate: the quick suite, then compare with the baseline
                          (writes to results/check/ unless --out is given)
  --baseline <file>       baseline for --check (default results/baseline.json)
  --threshold <pct>       timing change that counts as a regression (default 25)
  --strict                with --check, a run too noisy to judge fails
  --instructions          with --check, also count instructions under valgrind and compare
                          with results/baseline-instructions.json (exit 5: valgrind missing)
  -h, --help              show this help

Exit codes: 0 done, 1 unexpected failure (with --check: a confirmed regression), 2 bad
arguments, 3 (--check) missing or incompatible baseline, 4 a format or codec failed its
round-trip check, 130 interrupted (what was measured is written).`;
