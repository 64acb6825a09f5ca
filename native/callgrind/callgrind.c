/*
 * Callgrind client requests for Node, as a tiny N-API addon: payload-bench's instruction
 * counter (src/bench/instructions/) wraps exactly one op between start() and stop(), then
 * dump(name) writes that region's counts to a file it reads back. Outside valgrind every
 * request is a no-op (onValgrind() tells). Built on demand by build-addon.ts with the
 * system C compiler against Debian's valgrind headers and Node's own headers: no npm
 * dependency, so `npm ci` never needs valgrind.
 */
#include <node_api.h>
#include <valgrind/callgrind.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static napi_value undef(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/*
 * Before a region: give freed memory back and consolidate the allocator's free lists, so a
 * region does not pay (or skip) glibc's malloc_consolidate depending on what was freed before it
 * (measured: that alone moved one zstd compress by 1.1 % between processes).
 */
static napi_value settle(napi_env env, napi_callback_info info) {
  (void)info;
#ifdef __GLIBC__
  malloc_trim(0);
#endif
  return undef(env);
}

/* Zero the counters and switch instrumentation on: the region starts here. */
static napi_value start(napi_env env, napi_callback_info info) {
  (void)info;
  CALLGRIND_START_INSTRUMENTATION;
  CALLGRIND_ZERO_STATS;
  return undef(env);
}

/* Switch instrumentation off: the region ends here. */
static napi_value stop(napi_env env, napi_callback_info info) {
  (void)info;
  CALLGRIND_STOP_INSTRUMENTATION;
  return undef(env);
}

/* Write the counts collected since start() to a dump file whose trigger names the region. */
static napi_value dump(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char name[256];
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "dump(name): name must be a string");
    return NULL;
  }
  CALLGRIND_DUMP_STATS_AT(name);
  return undef(env);
}

static napi_value on_valgrind(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value b;
  napi_get_boolean(env, RUNNING_ON_VALGRIND != 0, &b);
  return b;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    { "settle", NULL, settle, NULL, NULL, NULL, napi_default, NULL },
    { "start", NULL, start, NULL, NULL, NULL, napi_default, NULL },
    { "stop", NULL, stop, NULL, NULL, NULL, napi_default, NULL },
    { "dump", NULL, dump, NULL, NULL, NULL, napi_default, NULL },
    { "onValgrind", NULL, on_valgrind, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
