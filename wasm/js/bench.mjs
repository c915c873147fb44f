// A benchmark of ncms.js under Node: settles core/engine's 20-line claim in a loop
// and creates instances of a compiled module, printing the medians of rounds in wall
// and CPU time. Run from the repository root, with the module built:
//
//   node wasm/js/bench.mjs [rounds]        # NCMS_WASM names the module, else wasm/js/ncms.wasm
//
// NCMS_BENCH_VERBOSE=1 also prints each round of settle.
//
// Compare with `go test -run '^$' -bench NativeSettle ./wasm/host` run interleaved
// (wasm/ABI.md, "Measurements").
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { load } from './ncms.js';

const wasmURL = process.env.NCMS_WASM
  ? pathToFileURL(resolve(process.env.NCMS_WASM))
  : new URL('./ncms.wasm', import.meta.url);
const request = await readFile(new URL('../../core/engine/testdata/twenty-lines.json', import.meta.url));
const rounds = Number(process.argv[2] ?? 6);

const module = await WebAssembly.compile(await readFile(wasmURL));
const engine = await load(module, { stderr: () => {} });
const want = engine.call('settle', request);
if (!want.startsWith('{"schema":1,"ok":true')) throw new Error(`settle failed: ${want.slice(0, 300)}`);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

// time runs f n times and returns microseconds per call, wall and CPU.
function time(n, f) {
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  const c = process.cpuUsage(cpu);
  return { wall, cpu: (c.user + c.system) / n };
}

async function timeAsync(n, f) {
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f();
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  const c = process.cpuUsage(cpu);
  return { wall, cpu: (c.user + c.system) / n };
}

// Warm up for 3 s of calls: V8 compiles the hot functions again, optimised, in the
// background, and the first thousands of calls run (and pay for) that.
for (const t0 = Date.now(); Date.now() - t0 < 3000;) time(100, () => engine.callBytes('settle', request));
const settle = [], inst = [];
for (let r = 0; r < rounds; r++) {
  settle.push(time(1000, () => engine.callBytes('settle', request)));
  inst.push(await timeAsync(5, async () => { await load(module, { stderr: () => {} }); }));
}
if (engine.call('settle', request) !== want) throw new Error('settle answered differently');
for (const [i, x] of settle.entries()) if (process.env.NCMS_BENCH_VERBOSE) console.log(`round ${i}: ${x.wall.toFixed(1)} µs wall, ${x.cpu.toFixed(1)} µs CPU`);
const show = (name, xs) => console.log(`${name}: median of ${xs.length} rounds ${median(xs.map((x) => x.wall)).toFixed(1)} µs/op wall, ${median(xs.map((x) => x.cpu)).toFixed(1)} µs/op CPU`);
show('settle 20 lines', settle);
show('new instance (load of a compiled module, _initialize included)', inst);
