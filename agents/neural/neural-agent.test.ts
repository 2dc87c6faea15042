import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../src/core/index.js';
import { createOpenAIModel } from '../../src/lm/openai/index.js';
import { type StubServer, startStubServer } from '../../src/lm/openai/test-support/stub-server.js';
import { createReplayModel } from '../../src/lm/replay.js';
import { createScriptedModel } from '../test-support/scripted-model.js';
import { NeuralAgent, splitUsage } from './neural-agent.js';

const clampTask: Task = {
  id: 'clamp',
  language: 'python',
  prompt: 'Return x limited to the closed range [lo, hi].',
  entryPoint: 'clamp',
  signature: {
    params: [
      { name: 'x', type: 'int' },
      { name: 'lo', type: 'int' },
      { name: 'hi', type: 'int' },
    ],
    returns: 'int',
  },
  examples: [{ input: [5, 0, 3], output: 3 }],
  tests: 'assert clamp(5, 0, 3) == 3\nassert clamp(-1, 0, 3) == 0',
  contract: { pre: 'lo <= hi', post: 'lo <= result <= hi' },
};

const answer = '```python\ndef clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n```';

describe('NeuralAgent prompts', () => {
  it('describes the task: request, signature in its language, examples, contract; tests hidden by default', async () => {
    const agent = new NeuralAgent({ model: createScriptedModel({ answers: [] }) });
    const [system, user] = await agent.messagesFor(clampTask);
    expect(system?.content).toMatch(
      /expert Python programmer.*one fenced code block \(```python\) containing the complete function `clamp`/,
    );
    expect(user?.content).toBe(
      [
        'Write a Python function `clamp`.\n\nReturn x limited to the closed range [lo, hi].',
        'Signature:\n```python\ndef clamp(x: int, lo: int, hi: int) -> int\n```',
        'Examples:\n- `clamp(5, 0, 3)` returns `3`',
        'Contract:\n- It may assume: `lo <= hi`\n- Its result (`result`) must satisfy: `lo <= result <= hi`',
      ].join('\n\n'),
    );
  });

  it('shows tests when asked, and retrieved context when a retriever is given', async () => {
    const agent = new NeuralAgent({
      model: createScriptedModel({ answers: [] }),
      showTests: true,
      retriever: async (task) => `def helper_for_${task.entryPoint}():\n    pass`,
    });
    const [, user] = await agent.messagesFor(clampTask);
    expect(user?.content).toContain(
      'It must pass these tests:\n```python\nassert clamp(5, 0, 3) == 3\nassert clamp(-1, 0, 3) == 0\n```',
    );
    expect(user?.content).toContain(
      'Relevant code from the repository, for reference:\n```\ndef helper_for_clamp():\n    pass\n```',
    );
  });

  it('shows a code prompt as code to complete, with TypeScript types', async () => {
    const task: Task = {
      id: 't',
      language: 'typescript',
      prompt: 'function add(a: number, b: number): number {\n',
      entryPoint: 'add',
    };
    const [system, user] = await new NeuralAgent({ model: createScriptedModel({ answers: [] }) }).messagesFor(
      task,
    );
    expect(system?.content).toContain('```typescript');
    expect(user?.content).toBe(
      'Complete the following TypeScript function `add`, keeping its name and parameters:\n\n```typescript\nfunction add(a: number, b: number): number {\n```',
    );
  });
});

describe('NeuralAgent.propose', () => {
  it('samples n candidates in one call, with ids, origins and usage split evenly', async () => {
    const model = createScriptedModel({
      answers: [answer, answer, 'def clamp(x, lo, hi):\n    return x'],
      usage: { promptTokens: 10, completionTokens: 6 },
    });
    const agent = new NeuralAgent({ model, temperature: 0.8, topP: 0.95, maxTokens: 256, stop: ['\n\n\n'] });
    const candidates = await agent.propose({ task: clampTask, mode: 'neural', n: 3, round: 0 });
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]).toMatchObject({
      task: clampTask,
      n: 3,
      temperature: 0.8,
      topP: 0.95,
      maxTokens: 256,
      stop: ['\n\n\n'],
      prompt:
        'def clamp(x: int, lo: int, hi: int) -> int:\n    """Return x limited to the closed range [lo, hi].\n    """\n',
    });
    expect(candidates.map((candidate) => candidate.id)).toEqual(['clamp/r0/0', 'clamp/r0/1', 'clamp/r0/2']);
    expect(candidates[0]).toEqual({
      id: 'clamp/r0/0',
      taskId: 'clamp',
      code: 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n',
      origin: { agent: 'neural', mode: 'neural', model: 'scripted:test', repairRound: 0, sampleIndex: 0 },
      usage: { promptTokens: 4, completionTokens: 2 },
    });
    expect(candidates[2]?.code).toBe('def clamp(x, lo, hi):\n    return x\n');
    expect(candidates.map((candidate) => candidate.usage)).toEqual(
      splitUsage({ promptTokens: 10, completionTokens: 6 }, 3),
    );
  });

  it('replays canonical completions as prompt + completion, byte for byte, every sample when n is undefined', async () => {
    const prompt = 'def add(a, b):\n    """Add."""\n';
    const task: Task = {
      id: 'HumanEval/x',
      language: 'python',
      prompt,
      entryPoint: 'add',
      metadata: { canonicalSolution: '    return a + b\n\n', canonicalFormat: 'completion' },
    };
    const agent = new NeuralAgent({ model: createReplayModel('canonical') });
    const candidates = await agent.propose({ task, mode: 'neural', round: 0 });
    expect(candidates).toHaveLength(1);
    expect(candidates[0]?.code).toBe(`${prompt}    return a + b\n\n`);
    expect(candidates[0]?.origin.model).toBe('replay:canonical');
  });

  it('warns about model warnings, answers in the wrong language and failed retrieval', async () => {
    const warnings: string[] = [];
    const agent = new NeuralAgent({
      model: createScriptedModel({
        answers: ['```java\npublic static int clamp(int x) { return x; }\n```'],
        warnings: ['ignored topP'],
      }),
      retriever: async () => {
        throw new Error('index missing');
      },
      onWarning: (warning) => warnings.push(warning),
    });
    const [candidate] = await agent.propose({ task: clampTask, mode: 'neural', n: 1, round: 2 });
    expect(candidate?.id).toBe('clamp/r2/0');
    expect(candidate?.code).toBe('public static int clamp(int x) { return x; }\n');
    expect(warnings).toEqual([
      'clamp: retrieval failed, prompting without context: index missing',
      'ignored topP',
      'clamp: sample 0 is written in another language, not python; kept as is for the verifiers to judge',
    ]);
  });

  it('proposes through a real OpenAI-compatible HTTP server', async () => {
    const server: StubServer = await startStubServer({
      answer: () => [answer, 'Here you go:\ndef clamp(x, lo, hi):\n    return lo'],
    });
    servers.push(server);
    const agent = new NeuralAgent({
      model: createOpenAIModel({ modelId: 'coder', baseURL: server.baseURL, stream: true }),
    });
    const candidates = await agent.propose({ task: clampTask, mode: 'hybrid', n: 2, round: 0 });
    expect(candidates.map((candidate) => candidate.code)).toEqual([
      'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n',
      'def clamp(x, lo, hi):\n    return lo\n',
    ]);
    expect(candidates[0]?.origin).toMatchObject({ mode: 'hybrid', model: 'openai:coder' });
    expect(server.requests[0]?.body?.messages).toHaveLength(2);
  });
});

const servers: StubServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
