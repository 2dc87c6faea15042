/**
 * Solve one task with a model behind any OpenAI-compatible server (vLLM, Ollama,
 * llama.cpp server, OpenAI): sample three candidates, verify them (syntax, quality,
 * security, license, the task's tests in the process sandbox, the Z3 contract check),
 * and repair for up to two rounds while none passes.
 *
 *   NSGEN_MODEL=openai:qwen2.5-coder:7b@http://127.0.0.1:11434/v1 npx tsx examples/solve-with-openai.ts
 *
 * A server that wants a key reads it from OPENAI_API_KEY; nsgen never logs it.
 */
import { parseTask, solve } from 'nsgen';

const model = process.env.NSGEN_MODEL ?? 'openai:qwen2.5-coder:7b@http://127.0.0.1:11434/v1';

const task = parseTask(
  {
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
    tests: 'assert clamp(5, 0, 3) == 3\nassert clamp(-1, 0, 3) == 0\nassert clamp(2, 0, 3) == 2',
    contract: { pre: 'lo <= hi', post: 'lo <= result <= hi' },
  },
  'examples/solve-with-openai.ts',
);

const episode = await solve(task, { model, samples: 3, repairRounds: 2, temperature: 0.8 });

console.log(`status: ${episode.status} after ${episode.candidates.length} candidates`);
for (const { candidate, reward, verdicts } of episode.candidates) {
  const failed = verdicts.filter((v) => v.status === 'fail' || v.status === 'error').map((v) => v.verifier);
  console.log(
    `  ${candidate.id}: reward ${reward.total.toFixed(3)}${failed.length ? `, failed ${failed.join(', ')}` : ''}`,
  );
}
const selected = episode.candidates.find(({ candidate }) => candidate.id === episode.selectedId);
if (selected) console.log(`\nselected ${selected.candidate.id}:\n${selected.candidate.code}`);
process.exitCode = episode.status === 'solved' ? 0 : 1;
