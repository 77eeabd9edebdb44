// Home practice runs offline and shows no Rive animation. Flet's client looks for the Rive
// runtime on a public CDN at every start; the page points that request here instead, and
// this answers that the runtime is not available, so the client goes on without it.
window.RiveNative = function () {
  return Promise.reject(new Error("The Rive runtime is not bundled with Home practice"));
};
