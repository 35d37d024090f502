#!/usr/bin/env node
// The installed `hivedesk` command: runs the built CLI (npm run build makes dist/).
import '../../dist/node/electron/cli/hivedesk.js';
