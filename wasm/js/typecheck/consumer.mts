// A consumer of @ncms/engine compiled with lib es2022 alone (no DOM, no @types/node):
// go test ./wasm/js (TestTypes) type-checks it; nothing runs it. Each @ts-expect-error
// is a misuse the declarations must refuse. (Outside test/, so node --test never runs it.)
import { load, operations, WasiExit } from '@ncms/engine';
import type { Amount, Engine, Envelope, Operation, SettleResult, Source } from '@ncms/engine';

// Without lib dom there is no Response, URL or WebAssembly.Module to pass.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const exact: Equal<Source, ArrayBuffer | ArrayBufferView | string> = true;
void exact;

const engine: Engine = await load(); // ncms.wasm next to ncms.js
await load(new Uint8Array(8));
await load(new ArrayBuffer(8));
await load(new DataView(new ArrayBuffer(8)));
await load('ncms.wasm');
await load(Promise.resolve(new Uint8Array(8)), { stderr: (text: string) => void text });
// @ts-expect-error a number is no source
await load(42);
// @ts-expect-error nor is an object that merely looks like a Response
await load({ ok: true, arrayBuffer: async () => new ArrayBuffer(8) });

const env: Envelope<SettleResult> = engine.settle({ schema: 1, policy: 'pingluo-original', claim: {} });
if (env.ok) {
  const cash: Amount = env.result.cash;
  for (const f of env.result.funds) {
    const paid: Amount = f.amount;
    const left: Amount | null = f.available;
    void [cash, paid, left];
    // @ts-expect-error a fund's payment is amount: there is no paid
    void f.paid;
  }
  // @ts-expect-error amounts are strings, never Numbers
  const n: number = env.result.total;
  void n;
} else {
  for (const e of env.errors) void `${e.code} at ${e.path}: ${e.messageZh}`;
  // @ts-expect-error an error envelope has no result
  void env.result.total;
}

const ops: readonly Operation[] = operations;
// @ts-expect-error operations are the engine's wire names
const bad: Operation = 'settle_all';
void [ops, bad, engine.call('settle', '{}'), engine.callBytes('version'), new WasiExit(2).code];
