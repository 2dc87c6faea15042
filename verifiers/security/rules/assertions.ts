/** `assert` used as an access check: Python drops asserts under -O, and the check with them. */
import type { SecurityRule } from '../types.js';

const SECURITY_CONDITION =
  /\b(\w*auth\w*|\w*permission\w*|has_perm\w*|is_admin|is_superuser|is_staff|\w*role\w*|\w*allowed\w*|\w*authori[sz]ed\w*|logged_in|is_authenticated|\w*csrf\w*|\w*token\w*|\w*password\w*|is_owner|owner|\w*privilege\w*|can_\w+|access\w*)\b/i;

export const ASSERTION_RULES: SecurityRule[] = [
  {
    id: 'py-assert-security',
    cwe: 'CWE-617',
    severity: 'medium',
    language: 'python',
    message: 'an access check is written as assert, which python -O removes',
    fix: 'Use `if not <condition>: raise PermissionError(...)` for checks that must always run.',
    query: '(assert_statement . (_) @condition) @finding',
    check: ({ captures }) => {
      const match = captures.condition?.text.match(SECURITY_CONDITION);
      return match ? { detail: `checks "${match[0]}"` } : false;
    },
  },
];
