/** Commands run through a shell, where a built string lets input become shell syntax. */
import { valueAndSources } from '../data-flow.js';
import { callRule } from '../rule-builders.js';
import {
  isBuiltString,
  isConstant,
  keywordArgument,
  objectProperty,
  positionalArguments,
} from '../syntax.js';
import type { SecurityRule } from '../types.js';

const FALSY = new Set(['False', 'None', '0', 'false', 'null', 'undefined']);

export const SHELL_INJECTION_RULES: SecurityRule[] = [
  callRule({
    id: 'py-shell-true',
    cwe: 'CWE-78',
    severity: 'high',
    language: 'python',
    message: 'a process is started through the shell (shell=True)',
    fix: 'Pass the command as a list of arguments with shell=False (the default); use shlex.quote only as a last resort.',
    calls: () => true,
    check: ({ args }) => {
      const shell = keywordArgument(args, 'shell');
      if (!shell || FALSY.has(shell.text)) return false;
      const command = positionalArguments(args)[0] ?? keywordArgument(args, 'args');
      return isConstant(command) ? { severity: 'low', detail: 'constant command' } : true;
    },
    bandit: ['B602', 'B604'],
  }),
  callRule({
    id: 'py-os-system',
    cwe: 'CWE-78',
    severity: 'high',
    language: 'python',
    message: 'the command runs through a shell',
    fix: 'Use subprocess.run([...], shell=False) with the command split into a list of arguments.',
    calls: (name) =>
      /^(os\.(system|popen[234]?)|popen2\.\w+|commands\.(getoutput|getstatusoutput)|subprocess\.(getoutput|getstatusoutput))$/.test(
        name,
      ),
    check: ({ args, name }) =>
      isConstant(positionalArguments(args)[0])
        ? { severity: 'low', detail: `${name} with a constant command` }
        : { detail: name },
    bandit: ['B605'],
  }),
  callRule({
    id: 'py-process-spawn',
    cwe: 'CWE-78',
    severity: 'low',
    language: 'python',
    message: 'a program is started directly; make sure its path and arguments are not user-controlled',
    fix: 'Use an absolute program path and validate every argument against an allow-list.',
    calls: (name) => /^os\.(exec[lv]p?e?|spawn[lv]p?e?|startfile|posix_spawnp?)$/.test(name),
    bandit: ['B606'],
  }),
  callRule({
    id: 'js-shell-injection',
    cwe: 'CWE-78',
    severity: 'high',
    language: 'script',
    message: 'a command string built from values runs through the shell',
    fix: 'Use execFile/spawn with an argument array and no shell option; never interpolate input into commands.',
    calls: (name) => /^child_process\.(exec|execSync|spawn|spawnSync|execFile|execFileSync)$/.test(name),
    check: ({ args, method }) => {
      const [command, second, third] = positionalArguments(args);
      if (method === 'exec' || method === 'execSync') {
        if (!command || isConstant(command)) return false;
        const built = valueAndSources(command).some(isBuiltString);
        return built
          ? { detail: `${method} of a built string` }
          : { severity: 'medium', detail: `${method} of a variable` };
      }
      const options = [second, third].find((node) => node?.type === 'object');
      const shell = objectProperty(options, 'shell');
      if (!shell || FALSY.has(shell.text)) return false;
      return { detail: `${method} with shell enabled` };
    },
  }),
];
