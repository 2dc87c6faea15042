import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/core/index.js';
import { SECURITY_RULES } from './rules/index.js';
import { scanSource } from './scanner.js';

/** [rule, language, code that must be flagged, similar code that must not]. */
const CASES: [string, Language, string, string][] = [
  [
    'py-eval',
    'python',
    'def f(s):\n    return eval(s)',
    'import ast\ndef f(s):\n    return ast.literal_eval(s)',
  ],
  ['py-exec', 'python', 'def f(src):\n    exec(src)', 'def f(src):\n    executor.exec_(src)'],
  [
    'py-exec-downloaded',
    'python',
    'import urllib.request\ncode = urllib.request.urlopen(URL).read()\nexec(code)',
    'code = open("local.py").read()\nexec(code)',
  ],
  [
    'js-eval',
    'typescript',
    'function f(s: string) { return eval(s); }',
    'function f(s: string) { return JSON.parse(s); }',
  ],
  ['js-eval', 'javascript', 'const f = new Function("a", body);', 'setTimeout(() => run(), 10);'],
  [
    'js-vm-code',
    'javascript',
    "const vm = require('vm');\nvm.runInNewContext(code, {});",
    'const vm2 = { runInNewContext() {} };\nvm2.runInNewContext(code);',
  ],
  [
    'js-exec-downloaded',
    'javascript',
    'const src = await (await fetch(url)).text();\neval(src);',
    'const src = readLocal();\neval(src);',
  ],
  [
    'py-shell-true',
    'python',
    'import subprocess\ndef f(d):\n    subprocess.run("ls " + d, shell=True)',
    'import subprocess\ndef f(d):\n    subprocess.run(["ls", d], shell=False)',
  ],
  [
    'py-os-system',
    'python',
    'from os import system\ndef f(d):\n    system(f"rm -rf {d}")',
    'import shutil\ndef f(d):\n    shutil.rmtree(d)',
  ],
  ['py-process-spawn', 'python', 'import os\nos.execvp(prog, args)', 'import os\nos.getpid()'],
  [
    'js-shell-injection',
    'typescript',
    "import { execSync } from 'node:child_process';\nexport function f(d: string) { execSync('ls ' + d); }",
    "import { execFileSync } from 'node:child_process';\nexport function f(d: string) { execFileSync('ls', [d]); }",
  ],
  [
    'js-shell-injection',
    'javascript',
    "const cp = require('child_process');\ncp.spawn('sh', ['-c', c], { shell: true });",
    "const cp = require('child_process');\ncp.exec('ls -l');",
  ],
  [
    'py-sql-injection',
    'python',
    'def f(cur, name):\n    cur.execute(f"SELECT * FROM users WHERE name = \'{name}\'")',
    'def f(cur, name):\n    cur.execute("SELECT * FROM users WHERE name = ?", (name,))',
  ],
  [
    'py-sql-injection',
    'python',
    'def f(cur, t):\n    q = "DELETE FROM {} WHERE 1".format(t)\n    cur.execute(q)',
    'def f(t):\n    return "Deleted {} items from the list".format(t)',
  ],
  [
    'js-sql-injection',
    'typescript',
    'export function f(db: any, id: string) { return db.query("SELECT * FROM t WHERE id = " + id); }',
    'export function f(db: any, id: string) { return db.query("SELECT * FROM t WHERE id = $1", [id]); }',
  ],
  [
    'py-pickle',
    'python',
    'import pickle\ndef load(b):\n    return pickle.loads(b)',
    'import pickle\ndef save(o):\n    return pickle.dumps(o)',
  ],
  ['py-marshal', 'python', 'import marshal\nmarshal.loads(data)', 'import marshal\nmarshal.dumps(data)'],
  [
    'py-yaml-load',
    'python',
    'import yaml\nyaml.load(text)',
    'import yaml\nyaml.load(text, Loader=yaml.SafeLoader)',
  ],
  [
    'js-unsafe-deserialization',
    'javascript',
    "const serialize = require('node-serialize');\nserialize.unserialize(body);",
    'JSON.parse(body);',
  ],
  [
    'py-weak-hash',
    'python',
    'import hashlib\nhashlib.new("md5", data)',
    'import hashlib\nhashlib.md5(data, usedforsecurity=False)',
  ],
  [
    'py-weak-cipher',
    'python',
    'from Crypto.Cipher import DES\nDES.new(key, DES.MODE_CBC)',
    'from Crypto.Cipher import AES\nAES.new(key, AES.MODE_GCM)',
  ],
  [
    'py-ecb-mode',
    'python',
    'from Crypto.Cipher import AES\nAES.new(key, AES.MODE_ECB)',
    'from Crypto.Cipher import AES\nAES.new(key, AES.MODE_GCM)',
  ],
  [
    'py-weak-key-size',
    'python',
    'from cryptography.hazmat.primitives.asymmetric import rsa\nrsa.generate_private_key(public_exponent=65537, key_size=1024)',
    'from cryptography.hazmat.primitives.asymmetric import rsa\nrsa.generate_private_key(public_exponent=65537, key_size=3072)',
  ],
  [
    'js-weak-hash',
    'typescript',
    "import { createHash } from 'crypto';\ncreateHash('sha1').update(p);",
    "import { createHash } from 'crypto';\ncreateHash('sha256').update(p);",
  ],
  [
    'js-weak-cipher',
    'javascript',
    "const crypto = require('crypto');\ncrypto.createCipheriv('aes-128-ecb', key, null);",
    "const crypto = require('crypto');\ncrypto.createCipheriv('aes-256-gcm', key, iv);",
  ],
  [
    'py-insecure-random',
    'python',
    'import random\ndef make_token():\n    return random.getrandbits(128)',
    'import secrets\ndef make_token():\n    return secrets.token_hex(16)',
  ],
  [
    'js-insecure-random',
    'javascript',
    'const sessionId = Math.random().toString(36);',
    'const sessionId = crypto.randomUUID();',
  ],
  [
    'py-hardcoded-secret',
    'python',
    'DB_PASSWORD = "hunter2!x"',
    'DB_PASSWORD = os.environ["DB_PASSWORD"]\ntoken = "."',
  ],
  [
    'py-hardcoded-secret',
    'python',
    'connect(host, password="S3cr3t-pw")',
    'connect(host, password="")\napi_key = "aaaaaaaaaaaaaaaa"',
  ],
  [
    'py-private-key',
    'python',
    'KEY = """-----BEGIN RSA PRIVATE KEY-----\nMIIEow..."""',
    'KEY = """-----BEGIN PUBLIC KEY-----\nMIIB..."""',
  ],
  [
    'py-known-token',
    'python',
    'client = boto3.client("s3", aws_access_key_id="AKIAIOSFODNN7EXAMPLE")',
    'client = boto3.client("s3")',
  ],
  [
    'js-hardcoded-secret',
    'typescript',
    "const apiKey = 'q8Zr2LmX0vTn7WcYb4Ks';",
    'const apiKey = process.env.API_KEY;',
  ],
  [
    'js-private-key',
    'javascript',
    'const pem = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn`;',
    "const header = '-----BEGIN CERTIFICATE-----';",
  ],
  [
    'js-known-token',
    'javascript',
    "const gh = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';",
    "const gh = 'ghp_short';",
  ],
  [
    'py-tls-verify-disabled',
    'python',
    'import requests\nrequests.get(url, verify=False, timeout=5)',
    'import requests\nrequests.get(url, verify=True, timeout=5)',
  ],
  [
    'py-tls-check-disabled',
    'python',
    'import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE',
    'import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = True',
  ],
  [
    'py-weak-tls-version',
    'python',
    'import ssl\nssl.SSLContext(ssl.PROTOCOL_TLSv1)',
    'import ssl\nssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)',
  ],
  [
    'js-tls-verify-disabled',
    'typescript',
    'https.request({ host, rejectUnauthorized: false });',
    'https.request({ host, rejectUnauthorized: true });',
  ],
  [
    'js-tls-env-disabled',
    'javascript',
    "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';",
    "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';",
  ],
  [
    'py-path-traversal',
    'python',
    'import os\ndef read(name):\n    with open(os.path.join("/srv/files", name)) as f:\n        return f.read()',
    'import os\ndef read(name):\n    path = os.path.realpath(os.path.join("/srv/files", name))\n    if not path.startswith("/srv/files/"):\n        raise ValueError(name)\n    return open(path).read()',
  ],
  [
    'js-path-traversal',
    'typescript',
    "import fs from 'fs';\nimport path from 'path';\nexport function read(name: string) { return fs.readFileSync(path.join('/srv', name)); }",
    "import fs from 'fs';\nimport path from 'path';\nexport function read(name: string) { return fs.readFileSync(path.join('/srv', path.basename(name))); }",
  ],
  [
    'py-mktemp',
    'python',
    'import tempfile\nname = tempfile.mktemp()',
    'import tempfile\nfd, name = tempfile.mkstemp()',
  ],
  ['py-hardcoded-tmp', 'python', 'LOG = "/tmp/app.log"', 'LOG = "/var/log/app.log"'],
  [
    'py-tarfile-extract',
    'python',
    'import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(dest)',
    'import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(dest, filter="data")',
  ],
  ['py-world-writable', 'python', 'import os\nos.chmod(path, 0o777)', 'import os\nos.chmod(path, 0o755)'],
  [
    'py-bind-all-interfaces',
    'python',
    'sock.bind(("0.0.0.0", 8080))',
    'sock.bind(("127.0.0.1", 8080))\nif addr == "0.0.0.0":\n    pass',
  ],
  [
    'js-bind-all-interfaces',
    'javascript',
    "server.listen(8080, '0.0.0.0');",
    "server.listen(8080, '127.0.0.1');",
  ],
  [
    'py-request-no-timeout',
    'python',
    'import requests\nrequests.post(url, json=body)',
    'import requests\nrequests.post(url, json=body, timeout=10)',
  ],
  [
    'py-xxe',
    'python',
    'import xml.etree.ElementTree as ET\nET.fromstring(body)',
    'import defusedxml.ElementTree as ET\nET.fromstring(body)',
  ],
  [
    'py-url-open',
    'python',
    'from urllib.request import urlopen\ndef get(u):\n    return urlopen(u)',
    'from urllib.request import urlopen\nurlopen("https://example.org")',
  ],
  [
    'py-cleartext-protocol',
    'python',
    'import ftplib\nftp = ftplib.FTP(host)',
    'import ftplib\nftp = ftplib.FTP_TLS(host)',
  ],
  [
    'py-ssh-host-key',
    'python',
    'import paramiko\nc = paramiko.SSHClient()\nc.set_missing_host_key_policy(paramiko.AutoAddPolicy())',
    'import paramiko\nc = paramiko.SSHClient()\nc.set_missing_host_key_policy(paramiko.RejectPolicy())',
  ],
  [
    'py-flask-debug',
    'python',
    'from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)',
    'from flask import Flask\napp = Flask(__name__)\napp.run()',
  ],
  [
    'py-jinja-autoescape',
    'python',
    'import jinja2\nenv = jinja2.Environment(loader=loader)',
    'import jinja2\nenv = jinja2.Environment(loader=loader, autoescape=True)',
  ],
  [
    'js-xss-sink',
    'typescript',
    'export function show(el: HTMLElement, html: string) { el.innerHTML = html; }',
    "export function show(el: HTMLElement, text: string) { el.textContent = text; el.innerHTML = ''; }",
  ],
  [
    'js-prototype-pollution',
    'javascript',
    'function merge(target, source) {\n  for (const key in source) {\n    target[key] = source[key];\n  }\n}',
    "function merge(target, source) {\n  for (const key in source) {\n    if (key === '__proto__' || key === 'constructor') continue;\n    target[key] = source[key];\n  }\n}",
  ],
  ['js-proto-access', 'javascript', 'obj.__proto__ = evil;', 'Object.setPrototypeOf(obj, base);'],
  [
    'js-xxe',
    'javascript',
    "const libxmljs = require('libxmljs');\nlibxmljs.parseXml(xml, { noent: true });",
    "const libxmljs = require('libxmljs');\nlibxmljs.parseXml(xml);",
  ],
  [
    'py-assert-security',
    'python',
    'def delete(user):\n    assert user.is_admin\n    do_delete()',
    'def mean(xs):\n    assert len(xs) > 0\n    return sum(xs) / len(xs)',
  ],
];

async function rulesFired(code: string, language: Language): Promise<string[]> {
  return (await scanSource(code, language, { rules: SECURITY_RULES })).map((finding) => finding.rule);
}

describe('security rules', () => {
  it.each(CASES)(
    '%s (%s) flags the unsafe form and not the safe one',
    async (rule, language, unsafe, safe) => {
      expect(await rulesFired(unsafe, language)).toContain(rule);
      expect(await rulesFired(safe, language)).not.toContain(rule);
    },
  );

  it('has at least 30 rules, each with an id, a CWE, a message, a fix and a test case', () => {
    expect(SECURITY_RULES.length).toBeGreaterThanOrEqual(30);
    const tested = new Set(CASES.map(([rule]) => rule));
    for (const rule of SECURITY_RULES) {
      expect(rule.id).toMatch(/^(py|js)-[a-z0-9-]+$/);
      expect(rule.cwe).toMatch(/^CWE-\d+$/);
      expect(rule.message.length).toBeGreaterThan(10);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect(tested, `no test case for ${rule.id}`).toContain(rule.id);
    }
    expect(new Set(SECURITY_RULES.map((rule) => rule.id)).size).toBe(SECURITY_RULES.length);
  });

  it('resolves import aliases before matching names', async () => {
    expect(await rulesFired('import pickle as pk\npk.loads(b)', 'python')).toContain('py-pickle');
    expect(await rulesFired('from subprocess import Popen as P\nP(cmd, shell=True)', 'python')).toContain(
      'py-shell-true',
    );
  });

  it('lowers the severity of eval on a constant string and of shell=True with a constant command', async () => {
    const findings = await scanSource(
      'eval("1 + 1")\nimport subprocess\nsubprocess.call("ls", shell=True)',
      'python',
      {
        rules: SECURITY_RULES,
      },
    );
    expect(findings.map((finding) => [finding.rule, finding.severity])).toEqual([
      ['py-eval', 'medium'],
      ['py-shell-true', 'low'],
    ]);
  });
});
