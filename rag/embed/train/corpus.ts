/**
 * The learned embedder's training data: docstring → code pairs from a pinned list of
 * Python packages on PyPI (never the Python standard library, which the retrieval
 * benchmark searches). Wheels are fetched with `pip download --no-deps` into a cache
 * folder, their `.py` files extracted, chunked with the same chunker the index uses, and
 * turned into pairs exactly as the benchmark builds its queries: the query is the first
 * sentence of a function's docstring, and that sentence is removed from the code the
 * model sees.
 *
 * The packages fall in three splits: the embedder trains on `train`; the ranker (the
 * learned fusion of keyword and vector scores, `npm run train:ranker`) trains on `rank`,
 * code the embedder has never seen, as it will be at search time; `dev` is held out, and
 * every choice (epochs, sizes, fusion) is made on it, as one repository-like corpus
 * searched the same way the benchmark searches the standard library.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CodeChunk } from '../../../src/core/index.js';
import { NsgenError } from '../../../src/core/index.js';
import { chunkSource } from '../../chunk/chunk-source.js';
import { discoverFiles } from '../../chunk/discover-files.js';
import type { CodeView } from '../code-features.js';

const run = promisify(execFile);

export interface CorpusPackage {
  /** The PyPI name. */
  name: string;
  version: string;
  /**
   * `train`: the embedder learns from it; `rank`: the learned fusion (the ranker, which must
   * see the embedder's scores on code it has not learnt) learns from it; `dev`: held out.
   */
  split: 'train' | 'rank' | 'dev';
}

/**
 * Pinned packages. Left out on purpose: backports and copies of standard-library modules
 * (typing_extensions, importlib_metadata, zipp, tomli, simplejson, mock, multiprocess,
 * billiard, gevent, eventlet, future, setuptools with its distutils, pip with its vendored
 * packages), and tools that ship the standard library's stubs (mypy, jedi, astroid).
 */
export const CORPUS_PACKAGES: readonly CorpusPackage[] = [
  ...(
    [
      ['sympy', '1.13.3'],
      ['mpmath', '1.3.0'],
      ['networkx', '3.4.2'],
      ['sphinx', '8.1.3'],
      ['django', '5.1.4'],
      ['numpy', '2.1.3'],
      ['scipy', '1.14.1'],
      ['pandas', '2.2.3'],
      ['scikit-learn', '1.5.2'],
      ['matplotlib', '3.9.2'],
      ['statsmodels', '0.14.4'],
      ['astropy', '6.1.6'],
      ['xarray', '2024.10.0'],
      ['dask', '2024.11.2'],
      ['sqlalchemy', '2.0.36'],
      ['twisted', '24.10.0'],
      ['nltk', '3.9.1'],
      ['transformers', '4.46.3'],
      ['ipython', '8.29.0'],
      ['prompt-toolkit', '3.0.48'],
      ['flask', '3.1.0'],
      ['attrs', '24.2.0'],
      ['more-itertools', '10.5.0'],
      ['toolz', '1.0.0'],
      ['pytest', '8.3.3'],
      ['traitlets', '5.14.3'],
      ['nbformat', '5.10.4'],
      ['pydantic', '2.10.2'],
      ['marshmallow', '3.23.1'],
      ['celery', '5.4.0'],
      ['kombu', '5.4.2'],
      ['httpx', '0.28.0'],
      ['reportlab', '4.2.5'],
      ['bokeh', '3.6.1'],
      ['seaborn', '0.13.2'],
      ['patsy', '1.0.1'],
      ['jax', '0.4.35'],
      ['python-dateutil', '2.9.0.post0'],
      ['markdown', '3.7'],
      ['sqlparse', '0.5.2'],
      ['alembic', '1.14.0'],
      ['mako', '1.3.6'],
      ['scrapy', '2.12.0'],
      ['beautifulsoup4', '4.12.3'],
      ['html5lib', '1.1'],
      ['numba', '0.60.0'],
      ['fsspec', '2024.10.0'],
      ['pillow', '11.0.0'],
      ['keras', '3.7.0'],
      ['scikit-image', '0.24.0'],
      ['geopandas', '1.0.1'],
      ['boto3', '1.35.70'],
      ['botocore', '1.35.70'],
      ['pyyaml', '6.0.2'],
      ['sqlalchemy-utils', '0.41.2'],
      ['hypothesis', '6.119.4'],
      ['pylint', '3.3.1'],
      ['cherrypy', '18.10.0'],
      ['accelerate', '1.16.0'],
      ['anndata', '0.12.19'],
      ['ansible-core', '2.19.14'],
      ['apache-airflow', '3.3.2'],
      ['apscheduler', '3.11.3'],
      ['arviz', '0.23.4'],
      ['ase', '3.29.0'],
      ['astroquery', '0.4.11'],
      ['biopython', '1.88'],
      ['bottle', '0.13.4'],
      ['chardet', '7.7.0'],
      ['chex', '0.1.92'],
      ['cirq-core', '1.7.0'],
      ['cloudpickle', '3.1.3'],
      ['coverage', '7.18.0'],
      ['datasets', '5.2.0'],
      ['datashader', '0.19.1'],
      ['deap', '1.4.4'],
      ['diffusers', '0.42.1'],
      ['discord-py', '2.7.1'],
      ['distributed', '2026.8.0'],
      ['dm-haiku', '0.0.17'],
      ['dnspython', '2.9.2'],
      ['docker', '7.2.0'],
      ['dulwich', '1.2.21'],
      ['einops', '0.8.2'],
      ['elasticsearch', '9.5.1'],
      ['emcee', '3.1.6'],
      ['falcon', '4.4.0'],
      ['fastapi', '0.165.0'],
      ['flax', '0.12.8'],
      ['ftfy', '6.3.1'],
      ['gensim', '4.3.3'],
      ['gitpython', '3.2.1'],
      ['holoviews', '1.23.2'],
      ['imbalanced-learn', '0.14.2'],
      ['ipywidgets', '8.1.9'],
      ['isort', '9.0.2'],
      ['itsdangerous', '2.2.0'],
      ['joblib', '1.6.0'],
      ['jupyter-server', '2.21.1'],
      ['langchain-core', '1.8.4'],
      ['lark', '1.3.1'],
      ['ldap3', '2.9.1'],
      ['librosa', '0.11.0'],
      ['lifelines', '0.30.3'],
      ['lightgbm', '3.3.5'],
      ['lightning', '2.6.6'],
      ['lmfit', '1.3.4'],
      ['loguru', '0.7.3'],
      ['luigi', '3.8.1'],
      ['markdown-it-py', '4.3.0'],
      ['metpy', '1.7.1'],
      ['modin', '0.37.1'],
      ['moto', '5.2.5'],
      ['music21', '10.5.1'],
      ['nbconvert', '7.17.2'],
      ['oauthlib', '4.0.1'],
      ['optax', '0.2.8'],
      ['optuna', '5.1.0'],
      ['pandera', '0.35.0'],
      ['panel', '1.9.4'],
      ['param', '2.4.2'],
      ['passlib', '1.7.4'],
      ['pdfminer-six', '20260107'],
      ['peewee', '4.5.3'],
      ['pennylane', '0.45.1'],
      ['pint', '0.25.3'],
      ['plotnine', '0.15.9'],
      ['ply', '3.11'],
      ['polars', '2.1.0'],
      ['pony', '0.7.20'],
      ['pooch', '1.9.0'],
      ['pvlib', '0.16.1'],
      ['pycodestyle', '2.15.0'],
      ['pycryptodome', '4.5.0'],
      ['pyflakes', '4.1.0'],
      ['pyglet', '2.1.19'],
      ['pyjwt', '2.15.1'],
      ['pymc', '5.28.5'],
      ['pyomo', '6.10.1'],
      ['pypdf', '7.1.1'],
      ['pyqtgraph', '0.14.0'],
      ['pyramid', '2.1'],
      ['python-docx', '1.2.0'],
      ['python-telegram-bot', '22.8'],
      ['redis', '8.2.0'],
      ['rq', '3.0.0'],
      ['ruamel-yaml', '0.19.1'],
      ['s3fs', '2026.9.0'],
      ['scanpy', '1.11.5'],
      ['scapy', '2.8.0'],
      ['scikit-bio', '0.7.4'],
      ['sentence-transformers', '6.3.0'],
      ['sentry-sdk', '2.76.0'],
      ['shap', '0.51.0'],
      ['simpy', '4.1.2'],
      ['skyfield', '1.55'],
      ['snakemake', '9.27.1'],
      ['sqlfluff', '4.5.0'],
      ['sqlglot', '30.31.0'],
      ['stanza', '1.15.0'],
      ['starlette', '1.10.0'],
      ['structlog', '26.1.0'],
      ['sunpy', '7.0.5'],
      ['tensorboard', '2.21.0'],
      ['tensorflow-probability', '0.25.0'],
      ['textual', '8.2.8'],
      ['timm', '1.0.31'],
      ['tomlkit', '0.15.3'],
      ['tqdm', '4.70.1'],
      ['typer', '0.29.2'],
      ['umap-learn', '0.5.12'],
      ['uncertainties', '3.2.3'],
      ['urwid', '5.1.0'],
      ['webob', '1.8.11'],
      ['websocket-client', '1.9.2'],
      ['yarl', '1.25.1'],
      ['zarr', '3.1.6'],
    ] as const
  ).map(([name, version]) => ({ name, version, split: 'train' as const })),
  // The ranker's split: general-purpose libraries the embedder never sees.
  ...(
    [
      ['aiohttp', '3.14.5'],
      ['arrow', '1.4.0'],
      ['asn1crypto', '1.5.1'],
      ['asttokens', '3.0.2'],
      ['bleach', '6.4.0'],
      ['blinker', '1.9.0'],
      ['boltons', '26.2.0'],
      ['cachetools', '8.0.2'],
      ['cerberus', '1.3.8'],
      ['cmd2', '4.3.1'],
      ['configobj', '5.0.9'],
      ['construct', '2.10.70'],
      ['cssutils', '2.15.0'],
      ['dill', '0.4.1'],
      ['diskcache', '5.6.3'],
      ['distlib', '0.4.4'],
      ['fabric', '3.2.3'],
      ['feedparser', '6.0.14'],
      ['filelock', '4.3.2'],
      ['fpdf2', '2.8.9'],
      ['funcy', '2.1'],
      ['gunicorn', '27.0.1'],
      ['h11', '0.16.0'],
      ['h2', '4.4.1'],
      ['html2text', '2025.4.15'],
      ['humanize', '4.17.0'],
      ['hyperlink', '21.0.0'],
      ['idna', '3.20'],
      ['imapclient', '4.1.0'],
      ['inflect', '7.6.0'],
      ['invoke', '3.0.3'],
      ['jsonpatch', '1.48'],
      ['jsonschema', '4.26.0'],
      ['keyring', '25.7.0'],
      ['libcst', '1.7.0'],
      ['mistune', '3.4.0'],
      ['multidict', '7.2.1'],
      ['mutagen', '1.48.1'],
      ['netaddr', '1.3.0'],
      ['packaging', '26.4'],
      ['parse', '1.22.4'],
      ['pendulum', '3.3.0'],
      ['pexpect', '4.9.0'],
      ['pg8000', '1.31.6'],
      ['platformdirs', '4.14.9'],
      ['pluggy', '1.7.0'],
      ['plumbum', '2.0.2'],
      ['prettytable', '3.19.0'],
      ['psutil', '7.2.2'],
      ['pyasn1', '0.6.5'],
      ['pyelftools', '0.33'],
      ['pymysql', '1.2.4'],
      ['pyopenssl', '26.4.0'],
      ['pyrsistent', '0.20.0'],
      ['pyserial', '3.5'],
      ['pytz', '2026.6'],
      ['qrcode', '8.2'],
      ['rsa', '4.9.1'],
      ['simpleeval', '1.0.8'],
      ['sortedcontainers', '2.4.0'],
      ['tablib', '3.10.0'],
      ['tabulate', '0.10.0'],
      ['tenacity', '9.2.1'],
      ['tinydb', '4.9.0'],
      ['voluptuous', '0.16.0'],
      ['waitress', '3.0.2'],
      ['watchdog', '7.1.1'],
      ['websockets', '17.4'],
      ['whoosh', '2.7.4'],
      ['wrapt', '2.5.2'],
      ['xlsxwriter', '3.3.1'],
      ['xmltodict', '1.0.4'],
      ['zodb', '6.4'],
      ['zope-interface', '8.7'],
    ] as const
  ).map(([name, version]) => ({ name, version, split: 'rank' as const })),
  // General-purpose libraries, the nearest kind of code to a standard library.
  ...(
    [
      ['docutils', '0.21.2'],
      ['tornado', '6.4.2'],
      ['paramiko', '3.5.0'],
      ['jinja2', '3.1.4'],
      ['werkzeug', '3.1.3'],
      ['click', '8.1.7'],
      ['requests', '2.32.3'],
      ['urllib3', '2.2.3'],
      ['pyparsing', '3.2.0'],
      ['rich', '13.9.4'],
      ['trio', '0.27.0'],
      ['babel', '2.16.0'],
      ['openpyxl', '3.1.5'],
      ['pygments', '2.18.0'],
    ] as const
  ).map(([name, version]) => ({ name, version, split: 'dev' as const })),
];

/** Folders of a package that are not its library code. */
export const CORPUS_SKIPPED_DIRECTORIES = [
  'test',
  'tests',
  'testing',
  'externals',
  'examples',
  'benchmarks',
  '_distutils',
  '_vendored',
];

/** The query of a docstring: its first sentence, when it has at least four words. */
export function docstringQuery(docstring: string): string | undefined {
  const paragraph = docstring
    .split(/\n\s*\n/)[0]!
    .replace(/\s+/g, ' ')
    .trim();
  const match = /^(.+?[.!?])(\s|$)/.exec(paragraph);
  const sentence = (match ? match[1]! : paragraph).trim();
  return sentence.split(' ').length >= 4 ? sentence : undefined;
}

/** The chunk with `sentence` removed from its text and docstring (wherever it wraps). */
export function withoutSentence<T extends CodeView>(chunk: T, sentence: string): T {
  const words = sentence.split(' ').map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(words.join('\\s+'));
  return {
    ...chunk,
    text: chunk.text.replace(pattern, ''),
    ...(chunk.docstring !== undefined ? { docstring: chunk.docstring.replace(pattern, '').trim() } : {}),
  };
}

export interface TrainingPair {
  query: string;
  code: CodeView;
  /** The chunk's id (package-qualified path#name@line). */
  id: string;
  /**
   * A chunk that looks like an answer but is not (a hard negative: each query must rank
   * its code above it too). Tried with BM25's top wrong hits on the development split: +0.004
   * hybrid MRR for twice the training time, so the bundled model is trained without.
   */
  negative?: CodeView;
}

/** Whether a chunk can be a query target, as in the benchmark: a function or method with a docstring query. */
export function queryOf(chunk: CodeChunk): string | undefined {
  if (chunk.kind === 'class' || !chunk.docstring) return undefined;
  return docstringQuery(chunk.docstring);
}

/** Every pair of a package's chunks. */
export function pairsOf(chunks: readonly CodeChunk[]): TrainingPair[] {
  const pairs: TrainingPair[] = [];
  for (const chunk of chunks) {
    const query = queryOf(chunk);
    if (!query) continue;
    const edited = withoutSentence(chunk, query);
    pairs.push({
      query,
      id: chunk.id,
      code: {
        qualifiedName: edited.qualifiedName,
        signature: edited.signature,
        text: edited.text,
        path: edited.path,
        ...(edited.docstring !== undefined ? { docstring: edited.docstring } : {}),
      },
    });
  }
  return pairs;
}

export interface CorpusOptions {
  /** Where wheels, extracted sources and chunks are kept. */
  cacheDir: string;
  /** The Python that runs pip. @default 'python3' */
  python?: string;
  log?: (line: string) => void;
}

function normalised(text: string): string {
  return text.toLowerCase().replace(/[-_.]+/g, '_');
}

/** Fetches (once) a package's wheel and returns its path. */
export async function fetchWheel(pkg: CorpusPackage, options: CorpusOptions): Promise<string> {
  const dir = join(options.cacheDir, 'wheels');
  await mkdir(dir, { recursive: true });
  const prefix = `${normalised(`${pkg.name}-${pkg.version}`)}_`;
  const find = async () => (await readdir(dir)).find((file) => normalised(file).startsWith(prefix));
  let wheel = await find();
  if (!wheel) {
    options.log?.(`downloading ${pkg.name}==${pkg.version}`);
    // Wheels are chosen by platform, not by the local Python: only their .py files are read.
    const args = ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:'];
    args.push('--platform', 'manylinux2014_x86_64', '--python-version', '311', '--implementation', 'cp');
    args.push('--abi', 'cp311', '--dest', dir, `${pkg.name}==${pkg.version}`);
    try {
      await run(options.python ?? 'python3', args, { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      throw new NsgenError('IO_ERROR', `pip could not download ${pkg.name}==${pkg.version}`, {
        where: 'embedder corpus',
        cause: error,
      });
    }
    wheel = await find();
    if (!wheel) {
      throw new NsgenError('IO_ERROR', `no wheel for ${pkg.name}==${pkg.version} after pip download`, {
        where: dir,
      });
    }
  }
  return join(dir, wheel);
}

/** Every chunk of one split's packages, in list order. */
export async function splitChunks(
  split: CorpusPackage['split'],
  options: CorpusOptions,
): Promise<CodeChunk[]> {
  const chunks: CodeChunk[] = [];
  for (const pkg of CORPUS_PACKAGES.filter((pkg) => pkg.split === split)) {
    chunks.push(...(await packageChunks(pkg, options)));
  }
  return chunks;
}

/** Extracts a wheel's `.py` files (once) and returns the folder. */
async function extractWheel(wheel: string, pkg: CorpusPackage, options: CorpusOptions): Promise<string> {
  const dir = join(options.cacheDir, 'src', `${pkg.name}-${pkg.version}`);
  if (existsSync(join(dir, '.extracted'))) return dir;
  await mkdir(dir, { recursive: true });
  const script = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    "names = [n for n in z.namelist() if n.endswith('.py') and '.dist-info/' not in n and '..' not in n]",
    'z.extractall(sys.argv[2], names)',
  ].join('\n');
  await run(options.python ?? 'python3', ['-c', script, wheel, dir]);
  await writeFile(join(dir, '.extracted'), '');
  return dir;
}

/**
 * A package's chunks (cached as JSONL): downloaded, extracted and chunked on first use.
 * Chunk ids and paths are prefixed with the package, so packages can share one index.
 */
export async function packageChunks(pkg: CorpusPackage, options: CorpusOptions): Promise<CodeChunk[]> {
  const cached = join(options.cacheDir, 'chunks', `${pkg.name}-${pkg.version}.jsonl`);
  if (existsSync(cached)) {
    return (await readFile(cached, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as CodeChunk);
  }
  const dir = await extractWheel(await fetchWheel(pkg, options), pkg, options);
  const { files } = await discoverFiles(dir, { skipDirectories: CORPUS_SKIPPED_DIRECTORIES });
  const chunks: CodeChunk[] = [];
  for (const file of files) {
    try {
      const chunked = await chunkSource(file.text, file.language, file.path);
      chunks.push(...chunked.chunks.map((chunk) => ({ ...chunk, id: `${pkg.name}:${chunk.id}` })));
    } catch {
      // A file tree-sitter cannot read is left out, as the indexer does.
    }
  }
  options.log?.(`${pkg.name}: ${files.length} files, ${chunks.length} chunks`);
  await mkdir(join(options.cacheDir, 'chunks'), { recursive: true });
  await writeFile(cached, chunks.map((chunk) => JSON.stringify(chunk)).join('\n'));
  return chunks;
}

/** The local Python's standard library folder: the retrieval benchmark's corpus. */
export function standardLibraryFolder(python = 'python3'): string {
  return execFileSync(python, ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], {
    encoding: 'utf8',
  }).trim();
}

/** A hash of code with its whitespace runs folded (to find the same code twice). */
export function codeHash(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex');
}

/**
 * A test for what a reference corpus (the benchmark's) holds, to keep out of training: the
 * same function name with the same query sentence, or the same code as training sees it
 * (without its query sentence).
 */
export async function referenceFilter(
  root: string,
): Promise<(qualifiedName: string, query: string, editedText: string) => boolean> {
  const names = new Set<string>();
  const codes = new Set<string>();
  const { files } = await discoverFiles(root);
  for (const file of files) {
    let chunks: CodeChunk[];
    try {
      chunks = (await chunkSource(file.text, file.language, file.path)).chunks;
    } catch {
      continue;
    }
    for (const chunk of chunks) {
      const query = queryOf(chunk);
      if (query) names.add(`${chunk.qualifiedName}\n${query}`);
      codes.add(codeHash(query ? withoutSentence(chunk, query).text : chunk.text));
    }
  }
  return (qualifiedName, query, editedText) =>
    names.has(`${qualifiedName}\n${query}`) || codes.has(codeHash(editedText));
}
