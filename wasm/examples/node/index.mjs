// Settles the Pingluo worked example through the WebAssembly module in Node:
//
//   make wasm && node wasm/examples/node/index.mjs [path/to/ncms.wasm]
//
// Without an argument it loads NCMS_WASM, or else wasm/js/ncms.wasm.
import { load } from '../../js/ncms.js';

const source = process.argv[2] ?? process.env.NCMS_WASM; // undefined: ncms.wasm next to ncms.js
const engine = await load(source);

const env = engine.settle({
  schema: 1,
  policy: 'pingluo-original',
  claim: {
    id: 'V1',
    person: { id: '640221198001010015', category: 'farmer', birthDate: '1980-01-01', enrollment: [{ year: 2025, paidOn: '2024-12-01' }] },
    visit: { type: 'inpatient', class: 'county', referral: false, admission: '2025-03-01', discharge: '2025-03-10' },
    items: [{ code: 'X1', kind: 'treatment', class: 'A', amount: '8432' }], // amounts are strings
    totals: { year: 0, funds: [], admissions: [], familyAccount: '0' },
  },
});
if (!env.ok) {
  for (const e of env.errors) console.error(`${e.code} at ${e.path}: ${e.message}`);
  process.exit(1);
}
const r = env.result;
console.log(`total ${r.total}, fund ${r.fundTotal}, cash ${r.cash} (${r.policy.id})`);
