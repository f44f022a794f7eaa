'use strict'
// Explanations that go with the numbers: each paragraph only when its target is missed. They
// come from profiling the release build on this machine (perf record -g on a loop of the call;
// the .node is stripped, so its own frames show as one DSO, V8 and libc by symbol).

function notes(r, targets) {
  const missed = (prefix) => targets.some((t) => t.id.startsWith(prefix) && !t.ok)
  const out = []
  out.push('- The machine is shared: other engineers were compiling Rust during the run (see the load averages above), so absolute figures swing between rounds (see min–max). The sides of each comparison ran alternately within the same rounds, so their ratios are the figures to read.')
  if (missed('webhook')) {
    out.push('- **Webhook verify + normalise below a target against the complete JS peer** (the peer that does the same job: the same events with the same stable ids, checked equal before timing). **Where the time goes** (1,000-event body, 487 KB in, 1.07 MB of result text out; perf and timers, session 4): in the addon ~6.5–8 ms: the borrowed parse, the canonical form and SHA-256 of every item for its `id`, and serde_json writing the result, which looks at every byte of every string through its escape table (~2.5 ms); making the 1 MB JS string ~0.5–1 ms (V8 copies it into its large-object space); V8\'s `JSON.parse` of it ~7 ms, fixed by the size of the result. Memory churn (a fresh megabyte buffer and a growing event vector each call, ~800 page faults per call) was removed in session 4: the output buffer is kept between calls and the events sized once.')
    out.push('- **What would close the gap** (measured, not done): writing the result without serde_json\'s per-byte escape scan (a hand-written writer measured 1.6 ms against 2.8 ms, but it repeats the result\'s shape beside its `Serialize` impls, so it was not taken: it needs a serializer of our own that keeps one description); handing V8 the text as an external one-byte string (Node-API 10, `node_api_create_external_string_latin1`; `engines` still allows Node 20 builds without it) to skip its copy; or events whose fields are parsed on access.')
  }
  if (missed('preauth') || missed('tokenstatus')) {
    out.push('- **Token decision crossings below a target.** Done: inputs read through napi-rs\'s value API as own properties by kept (internalized) names, each argument\'s kind read once, only the fields a function uses, the fingerprint of the last OAuth token cached, and a no-op `preAuthenticate` settled on the JavaScript thread. **Where the time goes** (perf of a `tokenStatus` loop): ~65 % inside Node\'s N-API (about 60 calls per decision: for each of the 8 credential and 9 option fields an own-property check, and for present ones a get, a `typeof` and the value; the kind checks of three objects; the result object), ~26 % in the addon (serde over the fields, the token and time parsing), ~7 % in malloc/free.')
    out.push('- **What would reach the targets** (not done): fewer crossings per field (e.g. enumerate the keys of a small options object once instead of probing 9 names; one option object read once instead of twice), or property-name keys of Node-API 10 instead of the kept-key array (one fewer call per field).')
  }
  if (missed('send')) out.push('- sendMessage missed a target in this run; compare with the server ceiling column: when a client is near the ceiling, the server, not the client, is the limit.')
  if (missed('require')) out.push('- `require` over 30 ms: see the min–max; on this machine a cold start can wait for the CPU behind the compile jobs.')
  if (missed('rss')) out.push('- RSS grew over 5 MB: see the series above to tell a trend from a step (allocator arenas of new threads grow once).')
  return out
}

module.exports = { notes }
