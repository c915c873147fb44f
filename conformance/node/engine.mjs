// engine.mjs serves the NCMS WebAssembly module, through the JS loader ncms.js, to the
// conformance suite's Node engine (conformance/node.go), one call per line:
//
//   in:  {"op": "settle", "request": "<base64 request bytes>"}
//   out: {"response": "<base64 response bytes>"}   or   {"error": "<why>"}
//
// After loading the module it writes {"ready": true}; it exits when standard input
// ends. Base64 keeps the bytes exact both ways: vectors send invalid UTF-8 and
// malformed JSON on purpose, and the suite compares responses byte for byte.
//
// NCMS_WASM names the module (required). NCMS_JS names the loader; by default the
// repository's wasm/js/ncms.js, found relative to this file. The Go side embeds this
// file and passes both, so it runs the same from any working directory. By hand:
//
//   NCMS_WASM=wasm/js/ncms.wasm node conformance/node/engine.mjs
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const wasm = process.env.NCMS_WASM;
if (!wasm) {
  process.stderr.write('engine.mjs: set NCMS_WASM to the module to serve\n');
  process.exit(2);
}
const loader = process.env.NCMS_JS
  ? pathToFileURL(resolve(process.env.NCMS_JS))
  : new URL('../../wasm/js/ncms.js', import.meta.url);

const { load } = await import(loader);
// Standard output is the protocol: whatever the module writes goes to standard error.
const engine = await load(resolve(wasm), { stderr: (s) => process.stderr.write(s + '\n') });

// Pipes are synchronous in Node on POSIX, so each reply is written whole, in order.
const reply = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

reply({ ready: true });
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line === '') continue;
  try {
    const { op, request } = JSON.parse(line);
    const resp = engine.callBytes(op, Buffer.from(request ?? '', 'base64'));
    reply({ response: Buffer.from(resp.buffer, resp.byteOffset, resp.byteLength).toString('base64') });
  } catch (e) {
    // A trap or proc_exit leaves the instance unusable; ncms.js then refuses every
    // later call, so each gets an error rather than a wrong answer.
    reply({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
}
