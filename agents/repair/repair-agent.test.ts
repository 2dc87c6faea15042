import { describe, expect, it } from 'vitest';
import type { Candidate, RepairFeedback, Task, Verdict } from '../../src/core/index.js';
import { createReplayModel } from '../../src/lm/replay.js';
import { createSecurityVerifier } from '../../verifiers/security/index.js';
import { createSyntaxVerifier } from '../../verifiers/syntax/index.js';
import { createScriptedModel } from '../test-support/scripted-model.js';
import { AttemptMemory } from './attempt-memory.js';
import { RepairAgent } from './repair-agent.js';

const task: Task = {
  id: 'clamp',
  language: 'python',
  prompt: 'Return x limited to the closed range [lo, hi].',
  entryPoint: 'clamp',
  tests: 'assert clamp(5, 0, 3) == 3',
};

function candidate(code: string, id = 'clamp/r0/0', repairRound = 0): Candidate {
  return {
    id,
    taskId: 'clamp',
    code,
    origin: { agent: 'neural', mode: 'neural', repairRound, sampleIndex: 0 },
  };
}

/** A tests verdict shaped as the tests verifier writes it. */
function testsVerdict(
  overrides: Partial<Verdict> = {},
  status: 'ok' | 'error' | 'timeout' = 'error',
): Verdict {
  return {
    verifier: 'tests',
    status: 'fail',
    score: 0.5,
    diagnostics: [{ message: 'AssertionError at line 4', severity: 'error', rule: 'test-failed' }],
    counterexamples: [{ input: [5, 0, 3], expected: 3, actual: 5, violates: 'assert clamp(5, 0, 3) == 3' }],
    durationMs: 40,
    tests: {
      passed: 1,
      total: 2,
      cases: [
        { name: 'assert clamp(-1, 0, 3) == 0', status: 'pass' },
        { name: 'assert clamp(5, 0, 3) == 3', status: 'fail', message: 'AssertionError' },
      ],
      execution: {
        status,
        exitCode: status === 'timeout' ? null : 1,
        signal: status === 'timeout' ? 'SIGKILL' : null,
        durationMs: 40,
        stderrTail: 'Traceback (most recent call last):\n  File "main.py", line 4\nAssertionError',
      },
    },
    ...overrides,
  };
}

const diagnosis = 'The upper bound was never applied; I will take min(x, hi) before max.';
const fixed = `${diagnosis}\n\n\`\`\`python\ndef clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n\`\`\``;

describe('repair prompts from real verdicts', () => {
  it('quotes the offending line of a syntax error, with its location', async () => {
    const code = 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi)\n';
    const verdict = await createSyntaxVerifier().verify(candidate(code), task);
    expect(verdict.status).toBe('fail');
    const agent = new RepairAgent({ model: createScriptedModel({ answers: [] }) });
    const [, user] = agent.messagesFor(task, { parent: candidate(code), verdicts: [verdict] });
    expect(user?.content).toContain(`Your previous attempt:\n\`\`\`python\n${code.trimEnd()}\n\`\`\``);
    expect(user?.content).toMatch(/- Syntax \[syntax-error\] at line \d+, column \d+: syntax error/);
    expect(user?.content).toMatch(/\n {4}2 \| {5}return max\(lo, min\(x, hi\)\n {4} {2}\| +\^/);
  });

  it('lists failing tests with expected and actual values, the failing cases and the error output', () => {
    const agent = new RepairAgent({ model: createScriptedModel({ answers: [] }) });
    const [, user] = agent.messagesFor(task, {
      parent: candidate('def clamp(x, lo, hi):\n    return max(lo, x)\n'),
      verdicts: [testsVerdict()],
    });
    expect(user?.content).toContain(
      [
        'It failed verification:',
        '- Tests: 1 of 2 passed.',
        '  - clamp(5, 0, 3): expected 3, got 5, violates `assert clamp(5, 0, 3) == 3`',
        '  - assert clamp(5, 0, 3) == 3 failed: AssertionError',
        '- AssertionError at line 4',
      ].join('\n'),
    );
    expect(user?.content).not.toContain('Traceback');
  });

  it('explains a timeout and shows error output when no case could be told apart', () => {
    const agent = new RepairAgent({ model: createScriptedModel({ answers: [] }) });
    const timeout = testsVerdict({ counterexamples: [], diagnostics: [] }, 'timeout');
    timeout.tests!.cases = [];
    const [, user] = agent.messagesFor(task, {
      parent: candidate('def clamp(x, lo, hi):\n    while True: pass\n'),
      verdicts: [timeout],
    });
    expect(user?.content).toContain('- The program ran past its time limit: look for an infinite loop');
    expect(user?.content).toContain('The run ended with this error output:\n```\nTraceback');
  });

  it('states a contract counterexample', () => {
    const contract: Verdict = {
      verifier: 'contracts',
      status: 'fail',
      score: 0,
      diagnostics: [],
      counterexamples: [],
      durationMs: 5,
      contract: {
        status: 'counterexample',
        bounded: false,
        counterexample: { input: { x: 9, lo: 0, hi: 3 }, output: 9, violates: 'lo <= result <= hi' },
      },
    };
    const [, user] = new RepairAgent({ model: createScriptedModel({ answers: [] }) }).messagesFor(task, {
      parent: candidate('def clamp(x, lo, hi):\n    return x\n'),
      verdicts: [contract],
    });
    expect(user?.content).toContain(
      '- Contract: for clamp(x=9, lo=0, hi=3) the function returns 9, which violates `lo <= result <= hi`.',
    );
  });

  it('turns security findings into instructions, and asks for the right language', async () => {
    const code = 'def clamp(x, lo, hi):\n    return eval(f"max({lo}, min({x}, {hi}))")\n';
    const security = await createSecurityVerifier().verify(candidate(code), task);
    expect(security.status).toBe('fail');
    const agent = new RepairAgent({ model: createScriptedModel({ answers: [] }) });
    const [, user] = agent.messagesFor(task, { parent: candidate(code), verdicts: [security] });
    expect(user?.content).toMatch(
      /- Security \[[^\]]+\] at line 2, column \d+: .*eval.* Rewrite the code so that this finding goes away\./i,
    );
    const [, wrong] = agent.messagesFor(task, {
      parent: candidate('function clamp(x, lo, hi) {\n  return Math.max(lo, Math.min(x, hi));\n}\n'),
      verdicts: [testsVerdict()],
    });
    expect(wrong?.content).toContain(
      'The previous attempt is not written in Python (it looks like JavaScript): the answer must be Python.',
    );
  });
});

describe('RepairAgent.propose', () => {
  const failing = (id: string): RepairFeedback => ({
    parent: candidate('def clamp(x, lo, hi):\n    return x\n', id),
    verdicts: [testsVerdict()],
  });

  it('repairs each parent, with parent ids, repair rounds and ids running across parents', async () => {
    const model = createScriptedModel({
      answers: [fixed, fixed, fixed],
      usage: { promptTokens: 8, completionTokens: 4 },
    });
    const agent = new RepairAgent({ model, temperature: 0.2 });
    const candidates = await agent.propose({
      task,
      mode: 'neural',
      round: 1,
      n: 3,
      feedback: [failing('clamp/r0/0'), failing('clamp/r0/1')],
    });
    expect(model.requests.map((request) => request.n)).toEqual([2, 1]);
    expect(model.requests[0]?.temperature).toBe(0.2);
    expect(candidates.map((item) => [item.id, item.origin.parentId])).toEqual([
      ['clamp/r1/0', 'clamp/r0/0'],
      ['clamp/r1/1', 'clamp/r0/0'],
      ['clamp/r1/2', 'clamp/r0/1'],
    ]);
    expect(candidates[2]).toEqual({
      id: 'clamp/r1/2',
      taskId: 'clamp',
      code: 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n',
      origin: {
        agent: 'repair',
        mode: 'neural',
        model: 'scripted:test',
        parentId: 'clamp/r0/1',
        repairRound: 1,
        sampleIndex: 2,
      },
      usage: { promptTokens: 8, completionTokens: 4 },
    });
  });

  it('remembers what earlier attempts tried and why they failed (Reflexion-style)', async () => {
    const model = createScriptedModel({ answers: [fixed, fixed] });
    const agent = new RepairAgent({ model });
    const [first] = await agent.propose({
      task,
      mode: 'neural',
      round: 1,
      n: 1,
      feedback: [failing('clamp/r0/0')],
    });
    expect(model.requests[0]?.messages?.[1]?.content).not.toContain('Earlier attempts');
    await agent.propose({
      task,
      mode: 'neural',
      round: 2,
      n: 1,
      feedback: [{ parent: first!, verdicts: [testsVerdict()] }],
    });
    const prompt = model.requests[1]?.messages?.[1]?.content ?? '';
    expect(prompt).toContain(
      'Earlier attempts that also failed (do not repeat them):\n- Round 0 (clamp/r0/0): failed: tests 1/2 passed; clamp(5, 0, 3): expected 3, got 5',
    );
    expect(agent.memory.attempts('clamp').map((record) => record.approach)).toEqual([undefined, diagnosis]);
    expect(agent.memory.render('clamp')).toContain(
      `- Round 1 (clamp/r1/0): tried: ${diagnosis}; failed: tests 1/2 passed`,
    );
  });

  it('refuses replay models and calls without feedback', async () => {
    await expect(
      new RepairAgent({ model: createReplayModel('canonical') }).propose({
        task,
        mode: 'neural',
        round: 1,
        feedback: [failing('a')],
      }),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
    await expect(
      new RepairAgent({ model: createScriptedModel({ answers: [] }) }).propose({
        task,
        mode: 'neural',
        round: 1,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('AttemptMemory bounds', () => {
  it('keeps the last attempts per task, fits the rendered text to maxChars, and forgets the least recent task', () => {
    const memory = new AttemptMemory({ maxAttempts: 2, maxChars: 200, maxTasks: 2 });
    for (let round = 0; round < 4; round++) {
      memory.record('a', {
        round,
        candidateId: `a/r${round}/0`,
        outcome: `failure ${round} ${'x'.repeat(60)}`,
        approach: 'y'.repeat(500),
      });
    }
    expect(memory.attempts('a').map((record) => record.round)).toEqual([2, 3]);
    expect(memory.attempts('a')[0]?.approach).toHaveLength(240);
    const rendered = memory.render('a');
    expect(rendered.length).toBeLessThanOrEqual(200);
    expect(rendered.startsWith('- Round 3 (a/r3/0): tried: yyy')).toBe(true);
    const roomy = new AttemptMemory({ maxAttempts: 3, maxChars: 220 });
    for (let round = 0; round < 3; round++)
      roomy.record('a', { round, candidateId: `a/r${round}/0`, outcome: 'o'.repeat(80) });
    expect(
      roomy
        .render('a')
        .split('\n')
        .map((line) => line.slice(0, 9)),
    ).toEqual(['- Round 1', '- Round 2']);
    memory.record('b', { round: 0, candidateId: 'b/r0/0', outcome: 'x' });
    memory.record('a', { round: 4, candidateId: 'a/r4/0', outcome: 'x' });
    memory.record('c', { round: 0, candidateId: 'c/r0/0', outcome: 'x' });
    expect(memory.attempts('b')).toEqual([]);
    expect(memory.attempts('a')).toHaveLength(2);
  });
});
