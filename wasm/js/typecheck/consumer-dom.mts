// A browser consumer of @ncms/engine, compiled with lib es2022 and dom: the globals
// that load() accepts where they exist. go test ./wasm/js (TestTypes) type-checks it.
import { load } from '@ncms/engine';
import type { Source } from '@ncms/engine';

// TypeScript declares WebAssembly.Module as an empty interface, which any value but
// null and undefined satisfies; so where lib dom is present no misuse of load() is a
// type error, and what is checked is that Source names the DOM's classes exactly.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const exact: Equal<Source, ArrayBuffer | ArrayBufferView | WebAssembly.Module | Response | URL | string> = true;
void exact;

await load(fetch('/ncms.wasm'));
await load(await fetch('/ncms.wasm'));
await load(new URL('/ncms.wasm', 'https://example.org/'));
await load(new WebAssembly.Module(new Uint8Array(8)));
await load(await WebAssembly.compileStreaming(fetch('/ncms.wasm')));
