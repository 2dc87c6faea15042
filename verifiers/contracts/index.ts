export {
  CONTRACT_CHECK_DEFAULTS,
  type ContractCheckInput,
  type ContractCheckKind,
  type ContractCheckSettings,
  type ContractReport,
  checkContract,
} from './check-contract.js';
export {
  ContractVerifier,
  type ContractVerifierOptions,
  createContractVerifier,
  reportToVerdict,
} from './contract-verifier.js';
export { type ExtractedContract, InvalidContract } from './extract-contracts.js';
export { type VerifyContractInput, verifyContract } from './verify-contract.js';
