// `payload-bench serve --help`.

export const SERVE_USAGE = `Usage: payload-bench serve [options]

  --port N               gRPC port (0 = pick a free port)                 default 8500
  --rest-port N          REST port (0 = pick a free port)                 default 8501, or 0 with --port 0
  --host H               address to listen on                             default 127.0.0.1
  --scenario S           preset name or scenario .json: the model schema  default etsy-search
  --data FILE            serve the schema of your recorded requests (TFRecord of tf.Example or
                         ExampleListWithContext, or JSON Lines of REST bodies): inferred from
                         the data, or the data checked against --scenario
  --data-format F        tfrecord-example, tfrecord-elwc or jsonl          default detected
  --skip-corrupt         skip and count corrupt records (a boolean flag)
  --candidates N         with --data, regroup examples into requests of N (changes what is context)
  --model-name NAME      model name clients must ask for                  default ranker
  --model-cost N         extra dense-layer units per candidate (~34N flops each)  default 0
  --delay-ms D           add D ms to every successful call (worker not held)      default 0
  --stall-every N        every Nth call stalls the worker ...             default 0 (off)
  --stall-ms M           ... for M ms (calls behind it queue)             default 0
  --error-rate P         share of calls answered UNAVAILABLE, 0..1        default 0
  --max-message-bytes B  largest request message / body (suffix KiB, MiB, GiB allowed)  default 2147483647
  --max-decompressed-bytes B  largest size a compressed REST body may inflate to: inflation
                         stops there and the call is answered 413 (gRPC: --max-message-bytes
                         is grpc-js's one limit, compressed or not)        default 256MiB
  --window-bytes W       HTTP/2 receive window of the gRPC server (0 = Node's 64 KiB)   default 16MiB
  --workers N            worker threads that decode and compute (0 = on the main thread) default: cores
  --rest-api-timeout-ms T  REST calls still waiting after T ms are dropped (TF Serving's
                         --rest_api_timeout_in_ms; 0 = none)               default 30000

  TF Serving batching (merges concurrent requests of a signature into one model call):
  --enable-batching      turn batching on (TF Serving's --enable_batching)
  --batching-parameters-file FILE  BatchingParameters in protobuf text format, the file
                         TF Serving takes, e.g. max_batch_size { value: 128 }
  --max-batch-size N, --batch-timeout-micros N, --max-enqueued-batches N, --num-batch-threads N,
  --allowed-batch-sizes A,B,..., --max-execution-batch-size N, --enable-large-batch-splitting,
  --pad-variable-length-inputs   the same parameters as flags (override the file)
  -h, --help             this text

Prints one line "... grpc=HOST:PORT rest=HOST:PORT" when ready. SIGTERM / SIGINT:
stop accepting, finish in-flight calls, exit 0.`;
