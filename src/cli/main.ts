#!/usr/bin/env node
import { main } from './index.js';

const EXIT_GRACE_MS = 2_000;

process.exitCode = await main(process.argv.slice(2));
// The command is over and its output written. A client still retrying a lost connection (Redis
// down at shutdown) must not keep the process, and so the pod, alive: exit after a short grace.
setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
