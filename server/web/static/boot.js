// boot.js starts compiling the engine module the moment the page starts loading. It is
// a classic async script with no imports, so it runs as soon as it arrives, while the
// page is still being parsed and laid out; app.js, a module, runs later and takes the
// compiled module from here (ncms.js's load accepts it, or the response to compile).
// If app.js came first it has started the fetch itself, and this does nothing.
window.ncmsModule = window.ncmsModule ?? (() => {
  const response = fetch('ncms.wasm');
  const module = response.then((r) => {
    const type = r.headers.get('content-type') || '';
    // A static host that serves another type still works: load compiles the bytes.
    if (!r.ok || typeof WebAssembly.compileStreaming !== 'function' || !type.startsWith('application/wasm')) return r;
    return WebAssembly.compileStreaming(r);
  });
  module.catch(() => {}); // app.js reports a failure
  return module;
})();
