// The Node-only notebook runner and kernel-spec tools (kept out of the browser-safe `attnlab` entry point).
export { type KernelInstallArgs, parseKernelInstallArgs, parseRunArgs, type RunArgs } from "./args.js";
export { type ConnectionInfo, freePorts, newConnection } from "./connection.js";
export {
  type Failure,
  type RunNotebookOptions,
  type RunNotebookResult,
  runNotebook,
  summarizeError,
} from "./execute.js";
export { notebookToHtml, renderMimeBundle } from "./html.js";
export { type ExecuteOutcome, Kernel, type StartOptions } from "./kernel.js";
export { describeExit, type KernelExit, KernelProcess } from "./process.js";
export { sleep, within } from "./timing.js";
export {
  type InstallOptions,
  installKernelSpec,
  jupyterUserDataDir,
  KERNEL_NAME,
  type KernelSpec,
  kernelCommand,
  kernelSpecDir,
  packageRoot,
  readKernelSpec,
} from "./kernelspec.js";
export { escapeHtml, renderInline, renderMarkdown } from "./markdown.js";
export * from "./notebook.js";
export { errorText, OutputCollector, stripAnsi } from "./outputs.js";
export {
  INJECTED_TAG,
  injectParameters,
  PARAMETERS_TAG,
  parametersSource,
  parseParameterValue,
} from "./parameters.js";
export {
  expandNotebooks,
  formatTable,
  outputPathFor,
  type RunOptions,
  type RunSummary,
  runNotebooks,
} from "./run.js";
export { type Message, type MessageHeader, PROTOCOL_VERSION, Wire } from "./wire.js";
