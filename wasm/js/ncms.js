// ncms.js loads the NCMS engine module (ncms.wasm, built from wasm/module) and calls
// it. The same file runs unchanged in browsers and in Node (18 or later): it uses only
// WebAssembly, TextEncoder/TextDecoder, crypto.getRandomValues and performance, and
// reaches for node:fs only to read a file: URL or path under Node (and for node:crypto
// under Node 18, which has no global crypto).
//
// Amounts stay strings. Requests and responses are JSON text, and every amount in them
// is a JSON string ("8432.00"), so JSON.parse and JSON.stringify never turn money into
// a Number. Do not convert amounts with Number() or parseFloat(); compare or display
// the strings, or use a decimal library.
//
// See ../ABI.md for the module's exports and the memory protocol this file follows.

// Why a WASI shim of our own, rather than a WASI library: the module is a reactor that
// never opens a file, a socket or a directory. WebAssembly.Module.imports(ncms.wasm)
// lists sixteen wasi_snapshot_preview1 functions, all for the Go runtime itself:
//
//   args_sizes_get, args_get, environ_sizes_get, environ_get  no arguments, no environment
//   clock_time_get                                            the runtime's clocks
//   random_get                                                map hash seeds
//   fd_write                                                  a fatal error's report on stderr
//   fd_fdstat_get, fd_fdstat_set_flags, fd_prestat_get,       the os package's start-up:
//   fd_prestat_dir_name, fd_read, fd_close                    stdio checks, no preopened dirs
//   poll_oneoff, sched_yield                                  an idle scheduler (never, in practice)
//   proc_exit                                                 a fatal runtime error
//
// Each is a few lines below, so there is no dependency to audit, and anything the
// module might import beyond them answers ENOSYS rather than failing to link.

const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ENOSYS = 52;

const FILETYPE_CHARACTER_DEVICE = 2;
const EVENTTYPE_CLOCK = 0;

/** The engine's operations, by their wire names. */
export const operations = Object.freeze([
  'settle', 'estimate', 'verify_card', 'validate_roster', 'check_id', 'card_fee',
  'load_policy', 'list_policies', 'get_policy', 'version',
]);

/** Thrown when the module calls proc_exit; the instance is unusable afterwards. */
export class WasiExit extends Error {
  constructor(code) {
    super(`ncms: the module exited with code ${code}`);
    this.name = 'WasiExit';
    this.code = code;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Node-only modules, named by variables so that bundlers for browsers leave them alone.
const nodeCrypto = 'node:crypto';
const nodeFS = 'node:fs/promises';

const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;

/**
 * load compiles and instantiates ncms.wasm and returns the engine.
 *
 * source is the module's bytes (ArrayBuffer, typed array), a WebAssembly.Module, a
 * Response or a Promise of one (as fetch returns), or a URL or string naming the file
 * (fetched in browsers; read from disk for file: URLs and paths in Node). Without a
 * source, ncms.wasm next to this file is loaded.
 *
 * options.stderr, a function of a string, receives what the module writes to standard
 * error (only a fatal runtime error's report); console.error by default.
 */
export async function load(source, options = {}) {
  const module = await compile(source ?? new URL('./ncms.wasm', import.meta.url));
  // Node 18 has Web Crypto only as node:crypto's webcrypto, not as a global.
  const random = globalThis.crypto ?? (isNode ? (await import(/* webpackIgnore: true */ /* @vite-ignore */ nodeCrypto)).webcrypto : null);
  if (!random) throw new Error('ncms: no crypto.getRandomValues in this environment');
  const wasi = new Wasi(options.stderr ?? ((s) => console.error(s)), random);
  const imports = { wasi_snapshot_preview1: wasi.imports(module) };
  const instance = await WebAssembly.instantiate(module, imports);
  const x = instance.exports;
  for (const name of ['_initialize', 'ncms_alloc', 'ncms_free', 'ncms_call', 'ncms_version', 'memory']) {
    if (!(name in x)) throw new Error(`ncms: the module does not export ${name}`);
  }
  wasi.memory = x.memory;
  x._initialize();
  return new Engine(x, wasi);
}

async function compile(source) {
  source = await source;
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok) throw new Error(`ncms: fetching ${source.url}: ${source.status} ${source.statusText}`);
    const type = source.headers.get('content-type') ?? '';
    if (typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')) {
      return WebAssembly.compileStreaming(source);
    }
    return WebAssembly.compile(await source.arrayBuffer());
  }
  if (source instanceof URL || typeof source === 'string') {
    const url = String(source);
    if (isNode && !/^(https?|data|blob):/i.test(url)) {
      // A file: URL or a path.
      const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ nodeFS);
      return WebAssembly.compile(await readFile(url.startsWith('file:') ? new URL(url) : url));
    }
    return compile(fetch(url));
  }
  throw new TypeError('ncms: load needs bytes, a Response, a URL or a path');
}

/** Engine calls the module; create it with load. */
class Engine {
  #x;
  #wasi;
  #broken = null;

  constructor(exports, wasi) {
    this.#x = exports;
    this.#wasi = wasi;
  }

  /**
   * call runs operation op on request — a JSON string, bytes, or an object to
   * JSON.stringify — and returns the response envelope as a JSON string, byte for byte
   * what the native Go engine returns.
   */
  call(op, request) {
    return decoder.decode(this.callBytes(op, request));
  }

  /** callBytes is call with the request and the response as UTF-8 bytes. */
  callBytes(op, request) {
    return this.#run(() => {
      const opBytes = encoder.encode(String(op));
      const req = requestBytes(request);
      const x = this.#x;
      const opPtr = this.#put(opBytes);
      const reqPtr = this.#put(req);
      const packed = x.ncms_call(opPtr, opBytes.length, reqPtr, req.length);
      const resp = this.#read(packed);
      // After a trap nothing is freed: the instance is not used again.
      for (const p of [address(packed), opPtr, reqPtr]) if (p !== 0) x.ncms_free(p);
      return resp;
    });
  }

  /** settle settles a claim (a request object or JSON text); it returns the parsed envelope. */
  settle(request) { return JSON.parse(this.call('settle', request)); }
  /** estimate is settle without a visit id, for a patient's own estimate. */
  estimate(request) { return JSON.parse(this.call('estimate', request)); }
  verifyCard(request) { return JSON.parse(this.call('verify_card', request)); }
  validateRoster(request) { return JSON.parse(this.call('validate_roster', request)); }
  checkId(request) { return JSON.parse(this.call('check_id', request)); }
  cardFee(request) { return JSON.parse(this.call('card_fee', request)); }
  /** loadPolicy adds a county's policy document to this engine. */
  loadPolicy(document) { return JSON.parse(this.call('load_policy', document)); }
  listPolicies() { return JSON.parse(this.call('list_policies', { schema: 1 })); }
  getPolicy(request) { return JSON.parse(this.call('get_policy', request)); }

  /** version reports the engine version, the operations and the loaded policies. */
  version() {
    return JSON.parse(decoder.decode(this.#run(() => {
      const packed = this.#x.ncms_version();
      const resp = this.#read(packed);
      this.#x.ncms_free(address(packed));
      return resp;
    })));
  }

  // #run runs f, and after a trap or proc_exit refuses every later call: the Go
  // runtime's state inside the instance is then undefined.
  #run(f) {
    if (this.#broken) throw new Error('ncms: the instance failed earlier; load the module again', { cause: this.#broken });
    try {
      return f();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || e instanceof WasiExit) this.#broken = e;
      throw e;
    }
  }

  // #put copies bytes into a new guest buffer and returns its address; 0 for no
  // bytes, or when the module refuses the size (over 8 MiB: the call then answers
  // request_too_large without the bytes).
  #put(bytes) {
    if (bytes.length === 0) return 0;
    const ptr = this.#x.ncms_alloc(bytes.length) >>> 0;
    if (ptr !== 0) new Uint8Array(this.#x.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  }

  // #read copies out the response that packed (address << 32 | length) names.
  #read(packed) {
    const p = BigInt.asUintN(64, packed);
    const ptr = Number(p >> 32n), len = Number(p & 0xffffffffn);
    // A fresh view each time: growing memory detaches the old buffer.
    return new Uint8Array(this.#x.memory.buffer, ptr, len).slice();
  }
}

// address returns the address half of a packed (address << 32 | length) result.
function address(packed) {
  return Number(BigInt.asUintN(64, packed) >> 32n);
}

function requestBytes(request) {
  if (request === undefined || request === null) return new Uint8Array(0);
  if (typeof request === 'string') return encoder.encode(request);
  if (request instanceof Uint8Array) return request;
  if (request instanceof ArrayBuffer) return new Uint8Array(request);
  if (ArrayBuffer.isView(request)) return new Uint8Array(request.buffer, request.byteOffset, request.byteLength);
  return encoder.encode(JSON.stringify(request));
}

/** Wasi is the minimal wasi_snapshot_preview1 the module needs (see the top of this file). */
class Wasi {
  memory = null;
  #stderr;
  #random;
  #lines = { 1: '', 2: '' };

  constructor(stderr, random) {
    this.#stderr = stderr;
    this.#random = random;
  }

  #view() { return new DataView(this.memory.buffer); }
  #bytes(ptr, len) { return new Uint8Array(this.memory.buffer, ptr, len); }

  // imports returns the functions the module imports, ENOSYS for any not written here.
  imports(module) {
    const fns = this.#functions();
    const out = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module !== 'wasi_snapshot_preview1' || imp.kind !== 'function') continue;
      out[imp.name] = fns[imp.name] ?? (() => ENOSYS);
    }
    return out;
  }

  #functions() {
    const zeroSizes = (countPtr, sizePtr) => {
      const v = this.#view();
      v.setUint32(countPtr, 0, true);
      v.setUint32(sizePtr, 0, true);
      return ESUCCESS;
    };
    const std = (fd) => fd === 0 || fd === 1 || fd === 2;
    return {
      args_sizes_get: zeroSizes,
      args_get: () => ESUCCESS,
      environ_sizes_get: zeroSizes,
      environ_get: () => ESUCCESS,

      clock_time_get: (id, _precision, timePtr) => {
        let ns;
        if (id === 0) ns = BigInt(Date.now()) * 1000000n; // realtime
        else if (id === 1) ns = BigInt(Math.round(performance.now() * 1e6)); // monotonic
        else return EINVAL;
        this.#view().setBigUint64(timePtr, ns, true);
        return ESUCCESS;
      },

      random_get: (ptr, len) => {
        // getRandomValues fills at most 65536 bytes at a time.
        for (let off = 0; off < len; off += 65536) {
          this.#random.getRandomValues(this.#bytes(ptr + off, Math.min(65536, len - off)));
        }
        return ESUCCESS;
      },

      fd_write: (fd, iovs, iovsLen, nwrittenPtr) => {
        if (fd !== 1 && fd !== 2) return EBADF;
        const v = this.#view();
        let n = 0;
        for (let i = 0; i < iovsLen; i++) {
          const ptr = v.getUint32(iovs + i * 8, true);
          const len = v.getUint32(iovs + i * 8 + 4, true);
          this.#write(fd, this.#bytes(ptr, len));
          n += len;
        }
        v.setUint32(nwrittenPtr, n, true);
        return ESUCCESS;
      },

      fd_read: (fd, _iovs, _iovsLen, nreadPtr) => {
        if (fd !== 0) return EBADF;
        this.#view().setUint32(nreadPtr, 0, true); // standard input is empty
        return ESUCCESS;
      },

      fd_close: () => EBADF,

      fd_fdstat_get: (fd, statPtr) => {
        if (!std(fd)) return EBADF;
        const v = this.#view();
        v.setUint8(statPtr, FILETYPE_CHARACTER_DEVICE);
        v.setUint16(statPtr + 2, 0, true); // flags
        v.setBigUint64(statPtr + 8, 0xffffffffffffffffn, true); // rights
        v.setBigUint64(statPtr + 16, 0xffffffffffffffffn, true);
        return ESUCCESS;
      },

      fd_fdstat_set_flags: (fd) => (std(fd) ? ESUCCESS : EBADF),

      // No preopened directories: EBADF ends the runtime's enumeration at fd 3.
      fd_prestat_get: () => EBADF,
      fd_prestat_dir_name: () => EBADF,

      // The reactor never waits; should the runtime ask, every clock subscription
      // fires at once (the runtime checks the time again) and descriptors are bad.
      poll_oneoff: (inPtr, outPtr, nsubs, neventsPtr) => {
        const v = this.#view();
        for (let i = 0; i < nsubs; i++) {
          const sub = inPtr + i * 48;
          const ev = outPtr + i * 32;
          const tag = v.getUint8(sub + 8);
          v.setBigUint64(ev, v.getBigUint64(sub, true), true); // userdata
          v.setUint16(ev + 8, tag === EVENTTYPE_CLOCK ? ESUCCESS : EBADF, true);
          v.setUint8(ev + 10, tag);
          v.setBigUint64(ev + 16, 0n, true);
          v.setUint16(ev + 24, 0, true);
        }
        v.setUint32(neventsPtr, nsubs, true);
        return ESUCCESS;
      },

      sched_yield: () => ESUCCESS,

      proc_exit: (code) => {
        this.#flush();
        throw new WasiExit(code);
      },
    };
  }

  // #write passes whole lines of standard output or error to the stderr function.
  #write(fd, bytes) {
    const text = this.#lines[fd] + decoder.decode(bytes);
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      this.#lines[fd] = text;
      return;
    }
    this.#stderr(text.slice(0, cut));
    this.#lines[fd] = text.slice(cut + 1);
  }

  #flush() {
    for (const fd of [1, 2]) {
      if (this.#lines[fd] !== '') this.#stderr(this.#lines[fd]);
      this.#lines[fd] = '';
    }
  }
}
