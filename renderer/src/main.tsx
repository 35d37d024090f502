import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { App } from './App.js';
import { DetachedConsole } from './DetachedConsole.js';
import { detachedConsole } from './workspace/detach.js';

// A detached console's window shows that console alone; otherwise the whole workspace.
const detached = detachedConsole(window.location.search);
const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode>{detached ? <DetachedConsole view={detached} /> : <App />}</StrictMode>);
