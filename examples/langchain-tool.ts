/**
 * nsgen in LangChain's idiom: any LangChain chat model becomes nsgen's language model
 * (`fromLangChain`), and nsgen's `solve` becomes a tool a LangChain agent can call
 * (`createSolveTool`): the agent asks for a function, nsgen writes it with the model,
 * runs the tests in its sandbox, and answers with verified code as JSON.
 *
 *   npx tsx examples/langchain-tool.ts
 *
 * So that it runs with no model server, the chat model here is LangChain's scripted
 * FakeListChatModel, answering wrongly first and rightly after the repair prompt; put
 * your own model in its place (ChatOpenAI, ChatOllama, ChatAnthropic, ...).
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { createSolveTool, fromLangChain, solve } from 'nsgen';

const chatModel: BaseChatModel = new FakeListChatModel({
  responses: [
    '```python\ndef is_leap(year: int) -> bool:\n    return year % 4 == 0\n```',
    'The century rule was missing:\n```python\ndef is_leap(year: int) -> bool:\n' +
      '    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)\n```',
  ],
});
const model = fromLangChain(chatModel);

const solveTool = createSolveTool({ solve: (task) => solve(task, { model, repairRounds: 2 }) });

// What an agent's tool call carries; `solveTool` can equally go into `bindTools` or an agent's tools.
const answer = await solveTool.invoke({
  request: 'Return whether year is a leap year in the Gregorian calendar.',
  entryPoint: 'is_leap',
  language: 'python',
  tests: 'assert is_leap(2024)\nassert not is_leap(1900)\nassert is_leap(2000)\nassert not is_leap(2023)',
});
console.log(answer);
