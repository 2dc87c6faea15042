/** Certificate checks switched off, and protocol versions that are broken. */
import { callRule } from '../rule-builders.js';
import { keywordArgument, stringValue } from '../syntax.js';
import type { SecurityRule } from '../types.js';

const WEAK_PROTOCOL = '^(PROTOCOL_(SSLv2|SSLv3|TLSv1|TLSv1_1)|(SSLv2|SSLv3|TLSv1|TLSv1_1)_METHOD)$';
const CERT_NONE = /(^|\.)CERT_NONE$/;

export const TLS_RULES: SecurityRule[] = [
  callRule({
    id: 'py-tls-verify-disabled',
    cwe: 'CWE-295',
    severity: 'high',
    language: 'python',
    message: 'TLS certificate verification is disabled, so any server can impersonate the real one',
    fix: 'Keep verify=True (the default) and point verify= at a CA bundle if the server uses a private CA.',
    calls: () => true,
    check: ({ name, args, context }) => {
      if (/^ssl\._create_(unverified|stdlib)_context$/.test(name)) return { detail: name };
      if (keywordArgument(args, 'verify')?.text === 'False') return { detail: 'verify=False' };
      const certReqs = keywordArgument(args, 'cert_reqs');
      if (certReqs && CERT_NONE.test(context.qualifiedName(certReqs) ?? certReqs.text))
        return { detail: 'cert_reqs=CERT_NONE' };
      return false;
    },
    bandit: ['B501', 'B323'],
  }),
  {
    id: 'py-tls-check-disabled',
    cwe: 'CWE-295',
    severity: 'high',
    language: 'python',
    message: 'hostname or certificate checking is switched off on an SSL context',
    fix: 'Leave check_hostname=True and verify_mode=ssl.CERT_REQUIRED (ssl.create_default_context() does).',
    query:
      '(assignment left: (attribute attribute: (identifier) @field (#match? @field "^(check_hostname|verify_mode)$")) right: (_) @value) @finding',
    check: ({ captures, context }) => {
      const value = captures.value;
      if (!value) return false;
      return value.text === 'False' || CERT_NONE.test(context.qualifiedName(value) ?? value.text);
    },
  },
  {
    id: 'py-weak-tls-version',
    cwe: 'CWE-326',
    severity: 'high',
    language: 'python',
    message: 'SSLv2/SSLv3/TLS 1.0/TLS 1.1 are broken protocol versions',
    fix: 'Use ssl.create_default_context() (TLS 1.2+), or set minimum_version = ssl.TLSVersion.TLSv1_2.',
    query: `[
      (attribute attribute: (identifier) @version (#match? @version "${WEAK_PROTOCOL}")) @finding
      ((identifier) @version (#match? @version "${WEAK_PROTOCOL}")) @finding
    ]`,
    check: ({ node }) => {
      // A bare identifier inside an attribute is reported through the attribute.
      if (node.type === 'identifier' && node.parent?.type === 'attribute') return false;
      return { detail: node.text };
    },
    bandit: ['B502', 'B503'],
  },
  {
    id: 'js-tls-verify-disabled',
    cwe: 'CWE-295',
    severity: 'high',
    language: 'script',
    message: 'TLS certificate verification is disabled, so any server can impersonate the real one',
    fix: 'Remove rejectUnauthorized: false / strictSSL: false; pass the private CA with the `ca` option instead.',
    query: '(pair key: [(property_identifier) (string)] @key value: [(false) (number)] @value) @finding',
    check: ({ captures }) => {
      const key = stringValue(captures.key) ?? captures.key?.text;
      if (key !== 'rejectUnauthorized' && key !== 'strictSSL' && key !== 'verifySsl') return false;
      return captures.value?.text === 'false' || captures.value?.text === '0'
        ? { detail: `${key}: false` }
        : false;
    },
  },
  {
    id: 'js-tls-env-disabled',
    cwe: 'CWE-295',
    severity: 'high',
    language: 'script',
    message: 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for the whole process',
    fix: 'Delete this assignment; trust a private CA with NODE_EXTRA_CA_CERTS or the `ca` option instead.',
    query:
      '(assignment_expression left: [(member_expression) (subscript_expression)] @target right: (_) @value) @finding',
    check: ({ captures }) => {
      if (!captures.target?.text.includes('NODE_TLS_REJECT_UNAUTHORIZED')) return false;
      const value = stringValue(captures.value) ?? captures.value?.text;
      return value === '0' || value === 'false';
    },
  },
];
