import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScreenReaderStore } from './screen-reader-store.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items };
}

test('with no choice made, consoles follow the desktop: on while a screen reader runs, off when it stops', { timeout: 5_000 }, () => {
  const store = createScreenReaderStore(memoryStorage());
  assert.equal(store.getState().on, false);
  store.getState().detect(true);
  assert.equal(store.getState().on, true);
  store.getState().detect(false);
  assert.equal(store.getState().on, false);
});

test('the toggle wins over what is detected, and is remembered', { timeout: 5_000 }, () => {
  const storage = memoryStorage();
  const store = createScreenReaderStore(storage);
  store.getState().detect(true);
  store.getState().set(false);
  assert.equal(store.getState().on, false);
  store.getState().detect(true);
  assert.equal(store.getState().on, false, 'a screen reader found later does not undo the choice');

  const next = createScreenReaderStore(storage);
  next.getState().detect(true);
  assert.equal(next.getState().on, false, 'the choice holds in the next window too');
  assert.equal(createScreenReaderStore(memoryStorage({ 'hivedesk-console-screen-reader': 'yes' })).getState().on, true);
});
