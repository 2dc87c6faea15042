/**
 * Training and generation throughput of the in-process TensorFlow.js model, with the same
 * model trained by PyTorch on CPU as the peer.
 *
 * - corpus: nsgen's own TypeScript sources through the data engine (`repo:` collector),
 *   a byte-level BPE tokenizer of 1024 tokens trained on it;
 * - models: `tiny` (d 64, 2 layers, context 64) and `small` (d 128, 4 layers, context 128);
 * - training tokens/s: AdamW steps of batch 8 after warm-up steps, on the native
 *   `tensorflow` backend (when scripts/setup-tensorflow.sh could build it), `wasm` and `cpu`;
 * - generation tokens/s: greedy decoding with the KV cache, 32 new tokens after a prompt;
 * - PyTorch: the same architecture (RoPE on pairs, RMSNorm, SwiGLU, no biases, untied
 *   output), batch, context and AdamW, in float32 on CPU, with one thread and with all
 *   cores (its default). The native backend is measured the same two ways; tfjs wasm runs
 *   on one thread (its threaded build cannot start workers in Node). The goal compares
 *   each engine at its best setting. `pip install torch` runs when torch
 *   is missing (it pulls the default CUDA wheel, which also runs on CPU).
 *
 * Run: npx tsx bench/training.bench.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { buildCorpus } from '../training/data/build.js';
import { decode } from '../training/generate/sampler.js';
import { type BackendName, useBackend } from '../training/model/backend.js';
import { type ModelConfig, modelConfig, parameterCount } from '../training/model/config.js';
import { LlamaModel } from '../training/model/llama.js';
import { ByteBpeTokenizer } from '../training/tokenizer/bpe.js';
import { readDocuments, TokenStreamData, tokenStreams } from '../training/train/data.js';
import { Trainer } from '../training/train/trainer.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const BATCH = 8;
/**
 * Small models are bound by the cost of each eager op, larger ones by matrix products:
 * `medium` (11M parameters) shows the second regime.
 */
const SIZES = ['tiny', 'small', 'medium'] as const;
/** Measured steps (after warm-up) per backend and size; cpu is many times slower (0: skipped). */
const STEPS: Record<BackendName, Record<(typeof SIZES)[number], number>> = {
  wasm: { tiny: 10, small: 4, medium: 1 },
  cpu: { tiny: 3, small: 1, medium: 0 },
  tensorflow: { tiny: 20, small: 10, medium: 2 },
};
const TORCH_STEPS: Record<(typeof SIZES)[number], number> = { tiny: 10, small: 4, medium: 2 };
const WARMUP: Record<BackendName, number> = { wasm: 2, cpu: 1, tensorflow: 2 };
/**
 * Timed rounds per measurement, the best one kept: the machine is shared, and the best
 * round is the one least disturbed by other processes (for every engine alike).
 */
const ROUNDS: Record<BackendName, number> = { wasm: 3, cpu: 1, tensorflow: 3 };
const NEW_TOKENS = 32;

interface Row {
  engine: string;
  size: string;
  parameters: number;
  trainTokensPerSecond: number;
  generateTokensPerSecond: number | null;
}

async function corpus(): Promise<{ tokenizer: ByteBpeTokenizer; documents: string[]; report: object }> {
  const out = mkdtempSync(join(tmpdir(), 'nsgen-bench-corpus-'));
  const report = await buildCorpus({
    sources: [{ kind: 'repo', path: root }],
    outDir: out,
    formats: ['jsonl'],
    maxFiles: 300,
  });
  const documents = await readDocuments([out]);
  const tokenizer = ByteBpeTokenizer.train(documents, { vocabSize: 1024 });
  const { rejections, ...summary } = report;
  return { tokenizer, documents, report: summary };
}

async function measureTfjs(
  backend: BackendName,
  size: (typeof SIZES)[number],
  tokenizer: ByteBpeTokenizer,
  streams: { train: Int32Array; evaluation: Int32Array },
): Promise<Row> {
  await useBackend(backend);
  const config = modelConfig(size, { vocabSize: tokenizer.vocabSize });
  const model = LlamaModel.init(config, { seed: 1 });
  const data = new TokenStreamData(streams.train, streams.evaluation, config.contextLength, 1);
  const steps = STEPS[backend][size];
  const rounds = ROUNDS[backend];
  const trainer = Trainer.create(model, tokenizer, data, {
    steps: steps * rounds + WARMUP[backend],
    batchSize: BATCH,
  });
  for (let i = 0; i < WARMUP[backend]; i++) trainer.trainStep();
  let trainTokensPerSecond = 0;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    for (let i = 0; i < steps; i++) trainer.trainStep();
    const seconds = (performance.now() - started) / 1000;
    trainTokensPerSecond = Math.max(trainTokensPerSecond, (steps * BATCH * config.contextLength) / seconds);
  }

  const prompt = 'export function resolveModel(spec: string';
  decode(model, tokenizer, prompt, { maxTokens: 4, temperature: 0 });
  let generateTokensPerSecond = 0;
  for (let round = 0; round < rounds; round++) {
    const generated = performance.now();
    const result = decode(model, tokenizer, prompt, { maxTokens: NEW_TOKENS, temperature: 0 });
    generateTokensPerSecond = Math.max(
      generateTokensPerSecond,
      result.tokens.length / ((performance.now() - generated) / 1000),
    );
  }
  trainer.dispose();
  model.dispose();
  return {
    engine: `tfjs-${backend}`,
    size,
    parameters: parameterCount(config),
    trainTokensPerSecond,
    generateTokensPerSecond,
  };
}

const PYTORCH_SCRIPT = String.raw`
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.manual_seed(0)
if cfg["threads"]: torch.set_num_threads(cfg["threads"])
d, h, L, f, V, T = cfg["dModel"], cfg["nHeads"], cfg["nLayers"], cfg["ffnHidden"], cfg["vocabSize"], cfg["contextLength"]
hd = d // h

class RMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__(); self.w = nn.Parameter(torch.ones(n)); self.eps = eps
    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.w

def rope_tables(T):
    inv = cfg["ropeTheta"] ** (-torch.arange(0, hd, 2).float() / hd)
    ang = torch.arange(T).float()[:, None] * inv[None, :]
    return ang.cos().repeat_interleave(2, -1), ang.sin().repeat_interleave(2, -1)

COS, SIN = rope_tables(T)

def rope(x):
    pairs = x.unflatten(-1, (hd // 2, 2))
    rotated = torch.stack((-pairs[..., 1], pairs[..., 0]), -1).flatten(-2)
    t = x.shape[-2]
    return x * COS[:t] + rotated * SIN[:t]

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2 = RMSNorm(d, cfg["normEps"]), RMSNorm(d, cfg["normEps"])
        self.q, self.k, self.v, self.o = (nn.Linear(d, d, bias=False) for _ in range(4))
        self.g, self.u, self.dn = nn.Linear(d, f, bias=False), nn.Linear(d, f, bias=False), nn.Linear(f, d, bias=False)
    def forward(self, x):
        B, t, _ = x.shape
        y = self.n1(x)
        q, k, v = (m(y).view(B, t, h, hd).transpose(1, 2) for m in (self.q, self.k, self.v))
        a = F.scaled_dot_product_attention(rope(q), rope(k), v, is_causal=True)
        x = x + self.o(a.transpose(1, 2).reshape(B, t, d))
        y = self.n2(x)
        return x + self.dn(F.silu(self.g(y)) * self.u(y))

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, d); self.blocks = nn.ModuleList(Block() for _ in range(L))
        self.norm = RMSNorm(d, cfg["normEps"]); self.out = nn.Linear(d, V, bias=False)
    def forward(self, ids):
        x = self.emb(ids)
        for b in self.blocks: x = b(x)
        return self.out(self.norm(x))

model = Model()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.95), weight_decay=0.1)
B, steps, warmup = cfg["batch"], cfg["steps"], cfg["warmup"]
ids = torch.randint(0, V, (B, T + 1))
def step():
    logits = model(ids[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, V), ids[:, 1:].reshape(-1))
    opt.zero_grad(); loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
for _ in range(warmup): step()
train = 0
for _ in range(3):
    t0 = time.perf_counter()
    for _ in range(steps): step()
    train = max(train, steps * B * T / (time.perf_counter() - t0))
print(json.dumps({"trainTokensPerSecond": train, "threads": torch.get_num_threads(), "version": torch.__version__}))
`;

function ensureTorch(): { available: boolean; note: string } {
  const probe = spawnSync('python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status === 0)
    return { available: true, note: `torch ${probe.stdout.trim()} (already installed)` };
  process.stderr.write(
    '[bench] torch is missing: pip install torch (the default wheel, CUDA libraries included)\n',
  );
  const install = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', 'torch'], { stdio: 'inherit' });
  if (install.status !== 0) return { available: false, note: 'pip install torch failed' };
  const again = spawnSync('python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return again.status === 0
    ? { available: true, note: `torch ${again.stdout.trim()} (installed by the bench)` }
    : { available: false, note: 'torch installed but does not import' };
}

function measureTorch(
  config: ModelConfig,
  size: (typeof SIZES)[number],
  threads: number | null,
): Row & { threads: number } {
  const script = join(mkdtempSync(join(tmpdir(), 'nsgen-bench-torch-')), 'train.py');
  writeFileSync(script, PYTORCH_SCRIPT);
  const settings = { ...config, batch: BATCH, steps: TORCH_STEPS[size], warmup: 2, threads };
  const out = execFileSync('python3', [script, JSON.stringify(settings)], {
    encoding: 'utf8',
    // torch warns that numpy is missing; the bench does not use it.
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
  });
  const result = JSON.parse(out.trim().split('\n').at(-1) as string);
  return {
    engine: `pytorch-cpu (${result.threads} threads)`,
    size,
    parameters: parameterCount(config),
    trainTokensPerSecond: result.trainTokensPerSecond,
    generateTokensPerSecond: null,
    threads: result.threads,
  };
}

/**
 * TensorFlow reads its thread count once per process, so each setting of the native
 * backend is measured in a child process (this script with NSGEN_BENCH_TF_THREADS set),
 * which prints its rows as JSON.
 */
const childThreads = process.env.NSGEN_BENCH_TF_THREADS;
if (childThreads !== undefined) {
  const { tokenizer, documents } = await corpus();
  const streams = tokenStreams(tokenizer, documents);
  await useBackend('tensorflow', { threads: Number(childThreads) });
  const childRows: Row[] = [];
  for (const size of SIZES) {
    const row = await measureTfjs('tensorflow', size, tokenizer, streams);
    childRows.push({
      ...row,
      engine: `tfjs-tensorflow (${childThreads} thread${childThreads === '1' ? '' : 's'})`,
    });
  }
  process.stdout.write(`\n${JSON.stringify(childRows)}\n`);
  process.exit(0);
}

function measureNative(threads: number): Row[] {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    encoding: 'utf8',
    env: { ...process.env, NSGEN_BENCH_TF_THREADS: String(threads) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = child.stdout.trim().split('\n').at(-1);
  if (child.status !== 0 || !last?.startsWith('[')) {
    process.stderr.write(
      `[bench] the tensorflow backend with ${threads} thread(s) failed (exit ${child.status})\n`,
    );
    return [];
  }
  return JSON.parse(last) as Row[];
}

const started = performance.now();
const { tokenizer, documents, report } = await corpus();
const streams = tokenStreams(tokenizer, documents);
const rows: Row[] = [];
// One thread and all cores, as for PyTorch below.
for (const threads of new Set([1, cpus().length])) rows.push(...measureNative(threads));
for (const backend of ['wasm', 'cpu'] as const) {
  for (const size of SIZES) {
    if (STEPS[backend][size] > 0) rows.push(await measureTfjs(backend, size, tokenizer, streams));
  }
}
const torch = ensureTorch();
if (torch.available) {
  for (const size of SIZES) {
    const config = modelConfig(size, { vocabSize: tokenizer.vocabSize });
    rows.push(measureTorch(config, size, 1), measureTorch(config, size, null));
  }
}

/** Training throughput of an engine family at its best thread setting, for one size. */
const best = (prefix: string, size: string) =>
  Math.max(
    0,
    ...rows
      .filter((row) => row.engine.startsWith(prefix) && row.size === size)
      .map((row) => row.trainTokensPerSecond),
  );
const FAMILIES = ['tfjs-tensorflow', 'tfjs-wasm', 'tfjs-cpu'] as const;
const ratio = (size: string, family: string) => {
  const ours = best(family, size);
  const peer = best('pytorch-cpu', size);
  return ours > 0 && peer > 0 ? ours / peer : null;
};

console.log(
  `\ncorpus: ${documents.length} files kept by the data engine, ${streams.train.length} training tokens`,
);
console.log(`tfjs ${tf.version.tfjs}; ${torch.note}; ${cpus().length} cores\n`);
console.log('| engine | size | parameters | train tokens/s | generate tokens/s |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(
    `| ${row.engine} | ${row.size} | ${row.parameters.toLocaleString('en')} | ${row.trainTokensPerSecond.toFixed(0)} | ${row.generateTokensPerSecond === null ? '-' : row.generateTokensPerSecond.toFixed(1)} |`,
  );
}
for (const family of FAMILIES) {
  for (const size of SIZES) {
    const r = ratio(size, family);
    if (r !== null)
      console.log(
        `${family} / pytorch-cpu training throughput, each at its best thread setting, ${size}: ${(r * 100).toFixed(0)}% (goal ≥ 50%)`,
      );
  }
}

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'training.json'),
  `${JSON.stringify(
    {
      machine: { cores: cpus().length, cpu: cpus()[0]?.model },
      tfjs: tf.version.tfjs,
      torch: torch.note,
      batch: BATCH,
      corpus: report,
      rows,
      overPytorchAtBestThreads: Object.fromEntries(
        FAMILIES.map((family) => [
          family,
          Object.fromEntries(SIZES.map((size) => [size, ratio(size, family)])),
        ]),
      ),
      seconds: (performance.now() - started) / 1000,
    },
    null,
    2,
  )}\n`,
);
