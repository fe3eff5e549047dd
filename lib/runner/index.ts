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
export { type FlagSpec, numberFlag, parseFlags } from "./flags.js";
export { notebookToHtml, renderMimeBundle } from "./html.js";
export { type ExecuteOutcome, Kernel, type StartOptions } from "./kernel.js";
export {
  type InstallOptions,
  type InstallResult,
  installKernel,
  installKernelSpec,
} from "./kernelInstall.js";
export { checkKernelName } from "./kernelOwnership.js";
export {
  jupyterUserDataDir,
  KERNEL_NAME,
  type KernelSpec,
  kernelCommand,
  kernelSpecDir,
  readKernelSpec,
} from "./kernelspec.js";
export { escapeHtml, renderInline, renderMarkdown } from "./markdown.js";
export * from "./notebook.js";
export { errorText, MAX_OUTPUT_CHARS, OutputCollector, stripAnsi } from "./outputs.js";
export {
  INJECTED_TAG,
  injectParameters,
  PARAMETERS_TAG,
  ParameterText,
  parametersSource,
  parseParameterValue,
  resolveParameters,
} from "./parameters.js";
export { describeExit, type KernelExit, KernelProcess } from "./process.js";
export {
  expandNotebooks,
  formatTable,
  outputPathFor,
  type RunOptions,
  type RunSummary,
  runNotebooks,
} from "./run.js";
export { sanitizeFragment, sanitizeSvg } from "./sanitize.js";
export { planTargets, realPathOf, type Target } from "./targets.js";
export { sleep, within } from "./timing.js";
export { type Message, type MessageHeader, PROTOCOL_VERSION, Wire } from "./wire.js";
