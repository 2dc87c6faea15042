/** Servers and clients: listening everywhere, no timeouts, XML entities, clear-text protocols, web frameworks' unsafe switches. */
import { callRule } from '../rule-builders.js';
import { keywordArgument, objectProperty, positionalArguments, stringValue } from '../syntax.js';
import type { SecurityRule } from '../types.js';

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '']);
const HOST_NAME = /(host|bind|addr|address|listen|interface)$/i;

export const NETWORK_RULES: SecurityRule[] = [
  {
    id: 'py-bind-all-interfaces',
    cwe: 'CWE-605',
    severity: 'medium',
    language: 'python',
    message: 'the server listens on every network interface, not just the one it needs',
    fix: "Bind to '127.0.0.1' for local services, or take the address from configuration.",
    query: `[
      (call function: (attribute attribute: (identifier) @method (#match? @method "^(bind|run|listen|serve|create_server|start_server|make_server)$")) arguments: (argument_list [(tuple (string) @finding) (string) @finding]))
      (keyword_argument name: (identifier) @name value: (string) @finding)
      (assignment left: (_) @name right: (string) @finding)
      (default_parameter name: (identifier) @name value: (string) @finding)
    ]`,
    check: ({ node, captures }) => {
      const value = stringValue(node);
      if (value === undefined || value === '' || !ALL_INTERFACES.has(value)) return false;
      return captures.name ? HOST_NAME.test(captures.name.text) : true;
    },
    bandit: ['B104'],
  },
  callRule({
    id: 'js-bind-all-interfaces',
    cwe: 'CWE-605',
    severity: 'medium',
    language: 'script',
    message: 'the server listens on every network interface, not just the one it needs',
    fix: "Pass '127.0.0.1' as the host for local services, or take it from configuration.",
    calls: (_name, method) => method === 'listen' || method === 'createServer' || method === 'bind',
    check: ({ args }) => {
      for (const arg of positionalArguments(args)) {
        if (ALL_INTERFACES.has(stringValue(arg) ?? '-')) return true;
        const host = objectProperty(arg, 'host') ?? objectProperty(arg, 'hostname');
        if (ALL_INTERFACES.has(stringValue(host) ?? '-')) return true;
      }
      return false;
    },
  }),
  callRule({
    id: 'py-request-no-timeout',
    cwe: 'CWE-400',
    severity: 'medium',
    language: 'python',
    message: 'an HTTP request without a timeout can hang the program forever',
    fix: 'Pass timeout= (e.g. timeout=10) to every requests/httpx call.',
    calls: (name) =>
      /^(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream)$/.test(name) ||
      /^requests\.Session\(\)\./.test(name),
    check: ({ name, args }) => {
      const timeout = keywordArgument(args, 'timeout');
      // httpx has a default timeout; only an explicit None disables it.
      if (name.startsWith('httpx.')) return timeout?.text === 'None';
      return !timeout || timeout.text === 'None';
    },
    bandit: ['B113'],
  }),
  callRule({
    id: 'py-xxe',
    cwe: 'CWE-611',
    severity: 'medium',
    language: 'python',
    message: 'the XML parser may expand entities (XXE, billion laughs) on untrusted input',
    fix: 'Parse untrusted XML with defusedxml (defusedxml.ElementTree.fromstring, ...).',
    calls: (name) =>
      /^(xml\.etree\.(c?ElementTree)\.(parse|iterparse|fromstring|XML|XMLParser|XMLPullParser)|xml\.dom\.(minidom|pulldom|expatbuilder)\.(parse|parseString)|xml\.sax\.(parse|parseString|make_parser)|lxml\.etree\.(parse|fromstring|XML|XMLParser|iterparse|RestrictedElement|GlobalParserTLS|getDefaultParser|check_docinfo)|xmlrpc\.client\.\w+|xml\.sax\.expatreader\.create_parser)$/.test(
        name,
      ),
    check: ({ name, args }) => {
      if (name.endsWith('XMLParser') && keywordArgument(args, 'resolve_entities')?.text === 'False')
        return false;
      if (/^xmlrpc\.client\./.test(name) && !/(ServerProxy|loads|getparser)$/.test(name)) return false;
      return { detail: name };
    },
    bandit: ['B313', 'B314', 'B315', 'B316', 'B317', 'B318', 'B319', 'B320'],
  }),
  callRule({
    id: 'py-url-open',
    cwe: 'CWE-22',
    severity: 'medium',
    language: 'python',
    message: 'urlopen also accepts file:// and custom schemes, so a user-supplied URL can read local files',
    fix: "Check the URL's scheme is http or https before opening it (urllib.parse.urlsplit(url).scheme).",
    calls: (name) =>
      /^(urllib\.request\.(urlopen|urlretrieve|Request|URLopener|FancyURLopener)|urllib\.(urlopen|urlretrieve|URLopener|FancyURLopener)|urllib2\.(urlopen|Request)|six\.moves\.urllib\.request\.(urlopen|urlretrieve|Request))$/.test(
        name,
      ),
    check: ({ args }) => {
      const url = stringValue(positionalArguments(args)[0]);
      return url === undefined || !/^https?:\/\//.test(url);
    },
    bandit: ['B310'],
  }),
  callRule({
    id: 'py-cleartext-protocol',
    cwe: 'CWE-319',
    severity: 'medium',
    language: 'python',
    message: 'Telnet and FTP send credentials and data in clear text',
    fix: 'Use SSH (paramiko) instead of Telnet, and ftplib.FTP_TLS or SFTP instead of FTP.',
    calls: ['telnetlib.Telnet', 'ftplib.FTP'],
    bandit: ['B312', 'B321'],
  }),
  callRule({
    id: 'py-ssh-host-key',
    cwe: 'CWE-295',
    severity: 'high',
    language: 'python',
    message: 'unknown SSH host keys are accepted, so the server is not authenticated',
    fix: 'Load known hosts (client.load_system_host_keys()) and keep the default RejectPolicy.',
    calls: (_name, method) => method === 'set_missing_host_key_policy',
    check: ({ args }) => /AutoAddPolicy|WarningPolicy/.test(args.text),
    bandit: ['B507'],
  }),
  callRule({
    id: 'py-flask-debug',
    cwe: 'CWE-489',
    severity: 'high',
    language: 'python',
    message: 'the Flask debugger is enabled and lets anyone reaching the server run code',
    fix: 'Remove debug=True; enable debugging only through FLASK_DEBUG in development.',
    calls: (_name, method) => method === 'run',
    check: ({ args, context }) =>
      keywordArgument(args, 'debug')?.text === 'True' &&
      [...context.imports.values()].some((module) => module.startsWith('flask')),
    bandit: ['B201'],
  }),
  callRule({
    id: 'py-jinja-autoescape',
    cwe: 'CWE-79',
    severity: 'medium',
    language: 'python',
    message: 'Jinja2 templates are rendered without HTML autoescaping (cross-site scripting)',
    fix: "Pass autoescape=True or autoescape=select_autoescape(['html', 'xml']).",
    calls: ['jinja2.Environment', 'jinja2.Template'],
    check: ({ args }) => {
      const autoescape = keywordArgument(args, 'autoescape');
      if (!autoescape) return { detail: 'autoescape not set' };
      return autoescape.text === 'False' ? { severity: 'high', detail: 'autoescape=False' } : false;
    },
    bandit: ['B701'],
  }),
];
