import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppUrl, mayNavigate, mayOpenWindow, mayUsePermission } from './window-policy.js';

test('only the app pages are the app', { timeout: 5000 }, () => {
  for (const url of ['app://hivedesk/index.html', 'app://hivedesk/', 'app://hivedesk/assets/x.js?v=1#top']) assert.equal(isAppUrl(url), true, url);
  const others = [
    'app://hivedesk.example/index.html',
    'app://x@hivedesk/index.html',
    'app://hivedesk:1/index.html',
    'app://other/index.html',
    'https://hivedesk/index.html',
    'http://127.0.0.1:8470/?token=x',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<h1>hi',
    'about:blank',
    'not a url',
    '',
    undefined,
  ];
  for (const url of others) assert.equal(isAppUrl(url), false, String(url));
});

test('navigations and redirects leave the app only for its own pages', { timeout: 5000 }, () => {
  assert.equal(mayNavigate('app://hivedesk/index.html'), true);
  assert.equal(mayNavigate('https://example.com/'), false);
  assert.equal(mayNavigate('file:///home/user/.ssh/id_ed25519'), false);
});

test('every permission is denied but clipboard writing and notifications, for the app main frame only', { timeout: 5000 }, () => {
  const app = { url: 'app://hivedesk/index.html', isMainFrame: true };
  assert.equal(mayUsePermission({ permission: 'clipboard-sanitized-write', ...app }), true);
  // A check may give only the origin, which Chromium spells with a trailing slash.
  assert.equal(mayUsePermission({ permission: 'clipboard-sanitized-write', url: 'app://hivedesk/', isMainFrame: true }), true);
  assert.equal(mayUsePermission({ permission: 'clipboard-sanitized-write', ...app, isMainFrame: false }), false);
  assert.equal(mayUsePermission({ permission: 'clipboard-sanitized-write', url: 'https://example.com/', isMainFrame: true }), false);
  assert.equal(mayUsePermission({ permission: 'clipboard-sanitized-write', url: undefined, isMainFrame: true }), false);
  assert.equal(mayUsePermission({ permission: 'notifications', ...app }), true, 'panic alerts, once the user turns them on');
  assert.equal(mayUsePermission({ permission: 'notifications', ...app, isMainFrame: false }), false);
  const electronPermissions = ['clipboard-read', 'deprecated-sync-clipboard-read', 'display-capture', 'fileSystem', 'fullscreen', 'geolocation', 'hid', 'idle-detection', 'keyboardLock', 'local-fonts', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'openExternal', 'pointerLock', 'serial', 'speaker-selection', 'storage-access', 'top-level-storage-access', 'usb', 'window-management', 'unknown'];
  for (const permission of electronPermissions) assert.equal(mayUsePermission({ permission, ...app }), false, permission);
});

test('a new window opens only for a detached console of the app itself', { timeout: 5000 }, () => {
  assert.equal(mayOpenWindow('app://hivedesk/index.html?view=console&name=web1&port=com1'), true);
  for (const url of [
    'app://hivedesk/index.html',
    'app://hivedesk/index.html?view=machines',
    'app://hivedesk/other.html?view=console&name=web1&port=com1',
    'app://hivedesk/index.html?view=console&name=web1&port=com1&next=https://evil.example',
    'https://evil.example/index.html?view=console',
    'app://evil/index.html?view=console&name=web1&port=com1',
  ]) {
    assert.equal(mayOpenWindow(url), false, url);
  }
});
