import { AIMessage } from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import type { Episode, Task } from '../../core/index.js';
import { fromLangChain } from './from-langchain.js';
import { createSolveTool, solveToolInputSchema } from './solve-tool.js';

/** LangChain's fake, reporting token usage as real chat models do. */
class FakeListChatModelWithUsage extends FakeListChatModel {
  override _formatGeneration(text: string) {
    return {
      message: new AIMessage({
        content: text,
        usage_metadata: { input_tokens: 7, output_tokens: 3, total_tokens: 10 },
      }),
      text,
    };
  }
}

describe('fromLangChain', () => {
  it('turns one invoke into one message sample', async () => {
    const model = fromLangChain(
      new FakeListChatModel({ responses: ['```python\ndef f():\n    return 1\n```'] }),
    );
    const result = await model.generate({
      messages: [
        { role: 'system', content: 'answer with code' },
        { role: 'user', content: 'write f' },
      ],
    });
    expect(model.spec).toBe('langchain:FakeListChatModel');
    expect(result.samples).toEqual([
      { text: '```python\ndef f():\n    return 1\n```', format: 'message', finishReason: 'unknown' },
    ]);
    expect(result.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
  });

  it('draws n samples with batch and sums usage_metadata', async () => {
    const chat = new FakeListChatModelWithUsage({ responses: ['one', 'two', 'three'] });
    const model = fromLangChain(chat, { spec: 'langchain:fake', maxConcurrency: 1 });
    const result = await model.generate({ prompt: 'go', n: 3 });
    expect(result.samples.map((sample) => sample.text)).toEqual(['one', 'two', 'three']);
    expect(result.usage).toEqual({ promptTokens: 21, completionTokens: 9 });
  });

  it('warns about per-call settings a LangChain model takes at construction', async () => {
    const model = fromLangChain(new FakeListChatModel({ responses: ['x'] }));
    const result = await model.generate({ prompt: 'go', temperature: 0.7, maxTokens: 10 });
    expect(result.warnings).toEqual([
      'langchain:FakeListChatModel ignores temperature per call: set it on the LangChain model itself',
      'langchain:FakeListChatModel ignores maxTokens per call: set it on the LangChain model itself',
    ]);
  });

  it('reports a failing LangChain model as MODEL_ERROR and an aborted call as ABORTED', async () => {
    const failing = fromLangChain(new FakeListChatModel({ responses: ['x'] }));
    const chat = new FakeListChatModel({ responses: ['x'] });
    await expect(
      fromLangChain({
        invoke: () => Promise.reject(new Error('rate limited')),
        batch: chat.batch.bind(chat),
        getName: () => 'broken',
      }).generate({
        prompt: 'go',
      }),
    ).rejects.toMatchObject({
      code: 'MODEL_ERROR',
      message: 'langchain:broken: the LangChain model failed: rate limited',
    });
    await expect(failing.generate({ prompt: 'go' }, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});

describe('createSolveTool', () => {
  const episodeFor = (task: Task): Episode => ({
    taskId: task.id,
    mode: 'neural',
    status: 'solved',
    candidates: [
      {
        candidate: {
          id: `${task.id}/r0/0`,
          taskId: task.id,
          code: 'def add(a, b):\n    return a + b\n',
          origin: { agent: 'neural', mode: 'neural', repairRound: 0 },
        },
        verdicts: [],
        reward: {
          total: 1,
          components: {},
          weights: { tests: 0.6, security: 0.15, quality: 0.15, license: 0.1 },
          appliedWeights: {},
          notApplicable: [],
        },
        passed: true,
      },
    ],
    selectedId: `${task.id}/r0/0`,
    repairRounds: 0,
    tokens: { promptTokens: 0, completionTokens: 0 },
    timings: { startedAt: '2025-01-01T00:00:00.000Z', durationMs: 1 },
  });

  it('builds a task from the tool input, calls solve and returns the selected code and status', async () => {
    const seen: Task[] = [];
    const solveTool = createSolveTool({
      solve: async (task) => {
        seen.push(task);
        return episodeFor(task);
      },
    });
    expect(solveTool.name).toBe('nsgen_solve');
    const output = await solveTool.invoke({
      request: 'Add two numbers.',
      entryPoint: 'add',
      language: 'python',
      tests: 'assert add(1, 2) == 3',
      examples: [{ input: [1, 2], output: 3 }],
    });
    expect(JSON.parse(output)).toEqual({
      taskId: seen[0]?.id,
      status: 'solved',
      code: 'def add(a, b):\n    return a + b\n',
      passed: true,
      candidates: 1,
      repairRounds: 0,
    });
    expect(seen[0]).toMatchObject({
      prompt: 'Add two numbers.',
      entryPoint: 'add',
      language: 'python',
      tests: 'assert add(1, 2) == 3',
    });
    expect(seen[0]?.id).toMatch(/^tool-[0-9a-f]{16}$/);
  });

  it('rejects input that does not match the schema', async () => {
    const solveTool = createSolveTool({ solve: async (task) => episodeFor(task) });
    await expect(
      solveTool.invoke({ request: 'x', entryPoint: 'not an identifier', language: 'python' }),
    ).rejects.toThrow();
    expect(solveToolInputSchema.safeParse({ request: 'x', entryPoint: 'f', language: 'cobol' }).success).toBe(
      false,
    );
  });
});
