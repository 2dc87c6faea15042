/**
 * Hostile programs every sandbox must contain, as data: the program, the request limits,
 * and what must hold afterwards. The contract suite runs them; a Docker sandbox runs the
 * same list. Placeholders the suite fills in before running a program:
 *
 * - `__PORT__`: a TCP port on 127.0.0.1 where the test listens;
 * - `__HOST_DIR__`: a host folder owned by the test's user, mode 0755, outside any temp dir;
 * - `__SECRET_FILE__`: a file of the test's user, mode 0600, holding a secret.
 */
import type { ExecStatus, Language } from '../../src/core/index.js';

/** A capability an expectation depends on; without it the case is skipped, never weakened. */
export type RedTeamCapability = 'networkIsolated' | 'processLimit' | 'unprivilegedUser' | 'privateTmp';

/** What the suite checks on the host after the job. */
export type HostCheck =
  /** Nothing connected to the test's listener. */
  | 'no-connection'
  /** Every pid the program printed (one per line, `pid:N`) is gone. */
  | 'printed-pids-gone'
  /** The host folder holds no files and the secret file is intact. */
  | 'host-files-intact'
  /** No process runs as the sandbox's job uid. */
  | 'no-job-processes';

export interface RedTeamCase {
  name: string;
  language: Extract<Language, 'python' | 'typescript'>;
  code: string;
  timeoutMs: number;
  memoryMb?: number;
  maxOutputBytes?: number;
  /** Acceptable statuses: the run must end with one of them. */
  statuses: ExecStatus[];
  requires: RedTeamCapability[];
  hostChecks: HostCheck[];
  /** Text that must not appear in stdout or stderr (a placeholder name means its value). */
  mustNotLeak?: Array<'__SECRET__'>;
}

export const RED_TEAM_CASES: RedTeamCase[] = [
  {
    name: 'python infinite loop',
    language: 'python',
    code: 'while True:\n    pass\n',
    timeoutMs: 1_000,
    statuses: ['timeout'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'typescript infinite loop',
    language: 'typescript',
    code: 'let n: number = 0;\nfor (;;) { n++; }\n',
    timeoutMs: 1_500,
    statuses: ['timeout'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'python ignores SIGTERM',
    language: 'python',
    code: 'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.01)\n',
    timeoutMs: 1_000,
    statuses: ['timeout'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'typescript ignores SIGTERM',
    language: 'typescript',
    code: "process.on('SIGTERM', (): void => {});\nsetInterval((): void => {}, 1000);\n",
    timeoutMs: 1_500,
    statuses: ['timeout'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'python fork bomb',
    language: 'python',
    code: [
      'import os',
      'while True:',
      '    try:',
      '        os.fork()',
      '    except OSError:',
      '        pass',
      '',
    ].join('\n'),
    timeoutMs: 1_500,
    statuses: ['timeout', 'error', 'killed'],
    requires: ['processLimit'],
    hostChecks: ['no-job-processes'],
  },
  {
    name: 'typescript fork bomb through the shell',
    language: 'typescript',
    code: [
      "import { spawnSync } from 'child_process';",
      "spawnSync('/bin/sh', ['-c', 'f() { f | f & }; f; sleep 5'], { stdio: 'ignore' });",
      '',
    ].join('\n'),
    timeoutMs: 2_000,
    statuses: ['timeout', 'ok', 'error'],
    requires: ['processLimit'],
    hostChecks: ['no-job-processes'],
  },
  {
    name: 'python memory hog (one allocation)',
    language: 'python',
    code: 'data = bytearray(8 * 1024 ** 3)\nprint(len(data))\n',
    timeoutMs: 5_000,
    memoryMb: 256,
    statuses: ['memory'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'python memory hog (growing)',
    language: 'python',
    code: 'hoard = []\nwhile True:\n    hoard.append(bytearray(16 * 1024 ** 2))\n',
    timeoutMs: 5_000,
    memoryMb: 256,
    statuses: ['memory'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'typescript memory hog',
    language: 'typescript',
    code: 'const hoard: number[][] = [];\nfor (;;) hoard.push(new Array(1_000_000).fill(1.5));\n',
    timeoutMs: 10_000,
    memoryMb: 256,
    statuses: ['memory'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'python output flood',
    language: 'python',
    code: "while True:\n    print('x' * 10000)\n",
    timeoutMs: 5_000,
    maxOutputBytes: 64 * 1024,
    statuses: ['output-limit'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'typescript output flood',
    language: 'typescript',
    code: "const line: string = 'y'.repeat(10_000);\nfor (;;) process.stdout.write(line);\n",
    timeoutMs: 5_000,
    maxOutputBytes: 64 * 1024,
    statuses: ['output-limit'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'python writes into a host folder',
    language: 'python',
    code: [
      "for path in ['__HOST_DIR__/planted.txt', '__HOST_DIR__/../planted-next-to-it.txt']:",
      '    try:',
      "        with open(path, 'w') as handle:",
      "            handle.write('planted')",
      "        print('wrote', path)",
      '    except OSError as error:',
      "        print('refused', path, error.errno)",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: ['unprivilegedUser'],
    hostChecks: ['host-files-intact'],
  },
  {
    name: 'python writes into /tmp and /dev/shm',
    language: 'python',
    code: [
      'import os',
      "for folder in ['/tmp', '/var/tmp', '/dev/shm']:",
      "    path = os.path.join(folder, 'nsgen-red-team-planted')",
      "    with open(path, 'w') as handle:",
      "        handle.write('planted')",
      "    print('wrote', path)",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok', 'error'],
    requires: ['privateTmp'],
    hostChecks: ['host-files-intact'],
  },
  {
    name: 'python reads host secrets and other processes’ environments',
    language: 'python',
    code: [
      'import os',
      "print('env', sorted(os.environ))",
      'try:',
      "    print(open('__SECRET_FILE__').read())",
      'except OSError as error:',
      "    print('secret refused', error.errno)",
      'readable = 0',
      "for entry in os.listdir('/proc'):",
      '    if entry.isdigit() and int(entry) != os.getpid():',
      '        try:',
      "            data = open(f'/proc/{entry}/environ', 'rb').read()",
      '        except OSError:',
      '            continue',
      '        if data:',
      '            readable += 1',
      "            print(data.decode('utf-8', 'replace'))",
      "print('foreign environments readable:', readable)",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: ['unprivilegedUser'],
    hostChecks: ['host-files-intact'],
    mustNotLeak: ['__SECRET__'],
  },
  {
    name: 'typescript reads host secrets',
    language: 'typescript',
    code: [
      "import * as fs from 'fs';",
      'console.log(Object.keys(process.env).sort().join(","));',
      "try { console.log(fs.readFileSync('__SECRET_FILE__', 'utf8')); } catch (error) { console.log('refused', (error as NodeJS.ErrnoException).code); }",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: ['unprivilegedUser'],
    hostChecks: ['host-files-intact'],
    mustNotLeak: ['__SECRET__'],
  },
  {
    name: 'python connects to a listener on the host',
    language: 'python',
    code: [
      'import socket',
      'try:',
      "    socket.create_connection(('127.0.0.1', __PORT__), timeout=2).sendall(b'hello')",
      "    print('connected')",
      'except OSError as error:',
      "    print('refused', error)",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: ['networkIsolated'],
    hostChecks: ['no-connection'],
  },
  {
    name: 'typescript connects to a listener on the host',
    language: 'typescript',
    code: [
      "import * as net from 'net';",
      "const socket = net.connect({ host: '127.0.0.1', port: __PORT__ }, () => { console.log('connected'); socket.end('hello'); });",
      "socket.on('error', (error: Error) => console.log('refused', error.message));",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: ['networkIsolated'],
    hostChecks: ['no-connection'],
  },
  {
    name: 'python kills its parent and every ancestor',
    language: 'python',
    code: [
      'import os, signal',
      'pid = os.getppid()',
      'while pid > 1:',
      '    try:',
      '        os.kill(pid, signal.SIGKILL)',
      "        print('killed', pid)",
      '    except OSError as error:',
      "        print('refused', pid, error.errno)",
      "    with open(f'/proc/{pid}/stat') as handle:",
      "        pid = int(handle.read().rsplit(')', 1)[1].split()[1])",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok', 'error'],
    requires: ['unprivilegedUser'],
    hostChecks: [],
  },
  {
    name: 'python leaves a daemon behind',
    language: 'python',
    code: [
      'import os, sys, time',
      'read_end, write_end = os.pipe()',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      '        os.write(write_end, str(os.getpid()).encode())',
      '        os.close(write_end)',
      '        for fd in (0, 1, 2):',
      '            os.close(fd)',
      '        time.sleep(60)',
      '    os._exit(0)',
      'os.close(write_end)',
      "print(f'pid:{os.read(read_end, 32).decode()}')",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: [],
    hostChecks: ['printed-pids-gone'],
  },
  {
    name: 'typescript leaves a detached process behind',
    language: 'typescript',
    code: [
      "import { spawn } from 'child_process';",
      "const child = spawn('/bin/sleep', ['60'], { detached: true, stdio: 'ignore' });",
      'child.unref();',
      "console.log('pid:' + child.pid);",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: [],
    hostChecks: ['printed-pids-gone'],
  },
  {
    name: 'python escapes through symlinks',
    language: 'python',
    code: [
      'import os',
      "os.symlink('__SECRET_FILE__', 'secret-link')",
      "os.symlink('__HOST_DIR__', 'host-link')",
      "os.symlink('/', 'root-link')",
      "for action, path in [('read', 'secret-link'), ('write', 'host-link/planted.txt'), ('list', 'root-link/root')]:",
      '    try:',
      "        if action == 'read':",
      '            print(open(path).read())',
      "        elif action == 'write':",
      "            open(path, 'w').write('planted')",
      '        else:',
      '            print(os.listdir(path))',
      "        print('allowed', action, path)",
      '    except OSError as error:',
      "        print('refused', action, path, error.errno)",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: ['unprivilegedUser'],
    hostChecks: ['host-files-intact'],
    mustNotLeak: ['__SECRET__'],
  },
  {
    name: 'python exhausts file descriptors',
    language: 'python',
    code: [
      'handles = []',
      'try:',
      '    while True:',
      "        handles.append(open('/dev/null'))",
      'except OSError as error:',
      "    print('stopped at', len(handles), error.errno)",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: [],
    hostChecks: [],
  },
  {
    name: 'typescript exhausts file descriptors',
    language: 'typescript',
    code: [
      "import * as fs from 'fs';",
      'const fds: number[] = [];',
      "try { for (;;) fds.push(fs.openSync('/dev/null', 'r')); } catch (error) { console.log('stopped at', fds.length, (error as NodeJS.ErrnoException).code); }",
      '',
    ].join('\n'),
    timeoutMs: 5_000,
    statuses: ['ok'],
    requires: [],
    hostChecks: [],
  },
];
