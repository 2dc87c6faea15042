/**
 * Score recorded programs (one JSON line per sample: `task_id` and `solution`, or a
 * HumanEval-style `completion`) with every verifier and the weighted reward, as you would
 * for the outputs of a model you ran elsewhere. Writes journal.jsonl, report.json and
 * report.html to runs/score-recorded-samples.
 *
 *   npx tsx examples/score-recorded-samples.ts [TASKS.jsonl SAMPLES.jsonl]
 */
import { rmSync } from 'node:fs';
import { evaluate } from 'nsgen';

const [tasks = 'examples/tasks/quickstart.jsonl', samples = 'examples/tasks/quickstart-samples.jsonl'] =
  process.argv.slice(2);
const out = 'runs/score-recorded-samples';
// A journal in `out` means "resume"; this example always starts over.
rmSync(out, { recursive: true, force: true });

const { report } = await evaluate({
  dataset: 'tasks',
  dataFile: tasks,
  model: `replay:${samples}`,
  k: [1, 2],
  testTimeoutMs: 3_000,
  out,
});

console.log(`pass@1 ${report.passAtK[1]?.toFixed(3)}, pass@2 ${report.passAtK[2]?.toFixed(3)}`);
for (const task of report.perTask) {
  console.log(`${task.taskId}: ${task.passed}/${task.candidates} passed`);
  for (const sample of task.samples) {
    const { components } = sample.reward;
    const parts = Object.entries(components).map(([name, value]) => `${name} ${value?.toFixed(2)}`);
    const failed = sample.verdicts.filter((v) => v.status === 'fail' || v.status === 'error');
    const why = failed.map((v) => `${v.verifier}: ${v.diagnostics[0]?.message ?? v.status}`);
    console.log(
      `  #${sample.sampleIndex} reward ${sample.reward.total.toFixed(3)} (${parts.join(', ')})` +
        (why.length ? `\n      ${why.join('\n      ').slice(0, 300)}` : ''),
    );
  }
}
console.log(`\nreport: ${out}/report.html`);
