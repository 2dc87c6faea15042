export { type AssertCase, type InstrumentedTests, instrumentPythonAsserts } from './python-assert-cases.js';
export {
  createTestsVerifier,
  TESTS_VERIFIER_DEFAULTS,
  TestsVerifier,
  type TestsVerifierOptions,
} from './tests-verifier.js';
