// The build files, imported as compiled modules (workerd, wrangler and bundlers with a wasm loader).
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
