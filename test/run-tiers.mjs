#!/usr/bin/env node
// `npm test`: every tier in order — typecheck, lint, unit, integration, infra, conformance, end-to-end, browser — then one
// closing line with the totals ("N passed, N failed, N skipped"). Stops at the first tier that fails.
import { spawn } from 'node:child_process';

const tiers = ['typecheck', 'lint', 'test:unit', 'test:integration', 'test:infra', 'test:conformance', 'test:e2e', 'test:browser'];
const totals = { passed: 0, failed: 0, skipped: 0 };
const started = Date.now();

function runTier(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let tail = '';
    const relay = (stream, target) =>
      stream.on('data', (chunk) => {
        target.write(chunk);
        tail = (tail + chunk.toString()).slice(-4000);
      });
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

for (const tier of tiers) {
  process.stdout.write(`\n▶ ${tier}\n`);
  const tierStarted = Date.now();
  const { code, tail } = await runTier(tier);
  const summary = /Tests:\s+(.*?)\s*(\d+) total/.exec(tail);
  if (summary) {
    for (const kind of ['passed', 'failed', 'skipped']) {
      const match = new RegExp(`(\\d+) ${kind}`).exec(summary[1]);
      if (match) totals[kind] += Number(match[1]);
    }
  }
  process.stdout.write(`◀ ${tier}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - tierStarted) / 1000).toFixed(1)} s\n`);
  if (code !== 0) {
    // A tier can fail with no failing test counted (a suite that did not load, a type error): count it once.
    if (!summary || !/\d+ failed/.test(summary[1])) totals.failed += 1;
    process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
    process.exit(code);
  }
}
process.stdout.write(`\nAll tiers passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
