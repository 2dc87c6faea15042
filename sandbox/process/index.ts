export {
  createProcessSandbox,
  PROCESS_SANDBOX_DEFAULTS,
  ProcessSandbox,
  type ProcessSandboxCapabilities,
  type ProcessSandboxOptions,
} from './process-sandbox.js';
