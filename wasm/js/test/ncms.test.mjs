// Tests for ncms.js, run with `node --test wasm/js/test/`.
//
// NCMS_WASM names the module to test; by default wasm/js/ncms.wasm, where
// `make wasm` puts it. NCMS_CASES names a directory of requests with the native
// engine's responses, written by `go test ./wasm/host` (TestNode), which runs this
// file with both variables set: every case must give the native bytes exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { load, operations } from '../ncms.js';

const wasmURL = process.env.NCMS_WASM
  ? pathToFileURL(resolve(process.env.NCMS_WASM))
  : new URL('../ncms.wasm', import.meta.url);

if (!existsSync(wasmURL)) {
  throw new Error(`no module at ${wasmURL.pathname}: run \`make wasm\` or set NCMS_WASM to a built ncms.wasm`);
}

const wasmBytes = await readFile(wasmURL);

// The Pingluo county report's worked example: an 8432元 county-hospital stay.
const claim = (id) => ({
  schema: 1,
  policy: 'pingluo-original',
  claim: {
    ...(id ? { id } : {}),
    person: { id: '640221198001010015', category: 'farmer', birthDate: '1980-01-01', enrollment: [{ year: 2025, paidOn: '2024-12-01' }] },
    visit: { type: 'inpatient', class: 'county', referral: false, admission: '2025-03-01', discharge: '2025-03-10' },
    items: [{ code: 'X1', kind: 'treatment', class: 'A', amount: '8432' }],
    totals: { year: 0, funds: [], admissions: [], familyAccount: '0' },
  },
});

function assertPingluo(env) {
  assert.equal(env.ok, true, JSON.stringify(env.errors));
  // (8432 − 300) × 55% = 4472.60, capped at 4000; amounts are strings, never Numbers.
  assert.equal(env.result.fundTotal, '4000.00');
  assert.equal(env.result.cash, '4432.00');
  assert.equal(typeof env.result.total, 'string');
}

function codes(text) {
  const env = JSON.parse(text);
  assert.equal(env.ok, false, text.slice(0, 300));
  return env.errors.map((e) => e.code);
}

test('loads from bytes, a URL, a path, a Response and a Promise of one', async () => {
  const sources = {
    bytes: wasmBytes,
    'array buffer': wasmBytes.buffer.slice(wasmBytes.byteOffset, wasmBytes.byteOffset + wasmBytes.byteLength),
    url: wasmURL,
    path: wasmURL.pathname,
    'wasm response': new Response(wasmBytes, { headers: { 'content-type': 'application/wasm' } }),
    'untyped response': new Response(wasmBytes),
    'promised response': Promise.resolve(new Response(wasmBytes, { headers: { 'content-type': 'application/wasm' } })),
    module: new WebAssembly.Module(wasmBytes),
  };
  for (const [name, source] of Object.entries(sources)) {
    const m = await load(source);
    const v = m.version();
    assert.equal(v.ok, true, name);
    assert.deepEqual(v.result.operations, operations, name);
  }
  await assert.rejects(load(new Response('nope', { status: 404 })), /404/);
  await assert.rejects(load(42), TypeError);
});

test('settles, estimates and explains the Pingluo example', async () => {
  const m = await load(wasmBytes);
  assertPingluo(m.settle(claim('V1')));
  assertPingluo(m.estimate(claim()));
  assertPingluo(m.settle(JSON.stringify(claim('V1'))));
  assert.deepEqual(codes(m.call('settle', claim())), ['field_required']);
  const id = m.checkId({ schema: 1, id: '11010519491231002x', today: '2025-01-01' });
  assert.equal(id.result.number, '11010519491231002X');
  assert.equal(m.cardFee({ schema: 1, policy: 'pingluo-original', birthDate: '1980-01-01', on: '2025-03-01' }).result.fee, '5.00');
  assert.ok(m.listPolicies().result.some((p) => p.id === 'pingluo-original'));
  assert.equal(m.getPolicy({ schema: 1, policy: 'pingluo-original' }).result.id, 'pingluo-original');
});

test('a JSON number for an amount is an error, not a float', async () => {
  const m = await load(wasmBytes);
  const c = claim('V1');
  c.claim.items[0].amount = 8432;
  const env = m.settle(c);
  assert.equal(env.ok, false);
  assert.deepEqual(env.errors.map((e) => [e.code, e.path]), [['amount_invalid', '/claim/items/0/amount']]);
});

test('hostile input gives error envelopes and the instance keeps working', async () => {
  const m = await load(wasmBytes);
  const bad = {
    'over 8 MiB': ['settle', new Uint8Array(8 * 1024 * 1024 + 1).fill(32), 'request_too_large'],
    'over the codec limit': ['settle', new Uint8Array(9 * 1024 * 1024).fill(32), 'request_too_large'],
    'nested arrays': ['settle', '['.repeat(100000), 'request_wrong_type'],
    'invalid UTF-8': ['settle', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 'request_malformed_json'],
    'empty op': ['', claim('V1'), 'request_unknown_operation'],
    'unknown op': ['nope', '{}', 'request_unknown_operation'],
    'empty request': ['settle', '', 'request_malformed_json'],
  };
  for (const [name, [op, req, code]] of Object.entries(bad)) {
    assert.deepEqual(codes(m.call(op, req)), [code], name);
    assertPingluo(m.settle(claim('V1')));
  }
});

test('load_policy adds a policy at run time', async () => {
  const m = await load(wasmBytes);
  const doc = m.getPolicy({ schema: 1, policy: 'pingluo-original' }).result;
  doc.id = 'pingluo-copy';
  const loaded = m.loadPolicy(doc);
  assert.equal(loaded.ok, true, JSON.stringify(loaded.errors));
  const c = claim('V1');
  c.policy = 'pingluo-copy';
  assertPingluo(m.settle(c));
  const other = await load(wasmBytes); // a separate instance has its own engine
  assert.deepEqual(codes(other.call('settle', c)), ['policy_not_found']);
});

// The cases TestNode in wasm/host writes: a manifest and, per case, the request and the
// native engine's response. Played in order on one instance, as natively.
test('responses are byte-identical to the native engine', { skip: !process.env.NCMS_CASES && 'NCMS_CASES is not set; `go test ./wasm/host` runs this with the native responses' }, async (t) => {
  const dir = process.env.NCMS_CASES;
  const manifest = JSON.parse(await readFile(join(dir, 'cases.json'), 'utf8'));
  assert.ok(manifest.cases.length > 0, 'no cases');
  const m = await load(wasmBytes);
  let played = 0;
  for (const c of manifest.cases) {
    const req = c.fill
      ? new Uint8Array(c.fill.size).fill(c.fill.byte)
      : await readFile(join(dir, c.request));
    const want = await readFile(join(dir, c.want));
    const got = m.callBytes(c.op, req);
    if (Buffer.compare(Buffer.from(got), want) !== 0) {
      assert.fail(`${c.name}: module and native differ\n got: ${new TextDecoder().decode(got).slice(0, 2000)}\nwant: ${want.toString('utf8').slice(0, 2000)}`);
    }
    played++;
  }
  t.diagnostic(`played ${played} cases`);
  assert.equal(played, manifest.cases.length);
});
