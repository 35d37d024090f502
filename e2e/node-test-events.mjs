// A node:test reporter for `npm test`: one JSON object a line per event that test-results.mjs reads.
// TAP cannot name a test that was still running when its file hit the time limit; the
// `test:dequeue` event (a test began) without its `test:complete` can.

const KEPT = new Set(['test:dequeue', 'test:complete', 'test:diagnostic']);

export default async function* nodeTestEvents(source) {
  for await (const { type, data } of source) {
    if (!KEPT.has(type)) continue;
    const error = data.details?.error;
    yield `${JSON.stringify({
      type,
      name: data.name,
      file: data.file,
      nesting: data.nesting,
      message: data.message,
      passed: data.details?.passed,
      skip: data.skip,
      todo: data.todo,
      failureType: error?.failureType,
      error: error ? String(error.cause?.message ?? error.message) : undefined,
    })}\n`;
  }
}
