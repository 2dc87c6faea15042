export {
  createDockerSandbox,
  DOCKER_SANDBOX_DEFAULTS,
  DockerSandbox,
  type DockerSandboxCapabilities,
  type DockerSandboxOptions,
  sweepStaleContainers,
} from './docker-sandbox.js';
