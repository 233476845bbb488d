#!/usr/bin/env node
// `npm test`: every tier — typecheck, lint, unit, integration, infra, conformance, end-to-end, browser — then one
// closing line with the totals ("N passed, N failed, N skipped"). Stops at the first stage that fails. The first
// stage runs the type check beside lint and the unit tests (two lanes: tsc keeps one core busy, the others the other,
// ~30 s sooner than one after the other); each tier's output is printed whole when it finishes, never interleaved.
// The tiers that start runtimes and DynamoDB Local run one at a time: together they would only fight for the cores.
import { spawn } from 'node:child_process';

/** Stages run in order; a stage's lanes run side by side, each lane's tiers in order. */
const stages = [[['typecheck'], ['lint', 'test:unit']], [['test:integration']], [['test:infra']], [['test:conformance']], [['test:e2e']], [['test:browser']]];
const totals = { passed: 0, failed: 0, skipped: 0 };
const started = Date.now();

function runTier(script, live) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let tail = '';
    const held = [];
    const relay = (stream, target) =>
      stream.on('data', (chunk) => {
        if (live) target.write(chunk);
        else held.push([target, chunk]);
        tail = (tail + chunk.toString()).slice(-4000);
      });
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, tail, held }));
  });
}

function count(tier, code, tail) {
  const summary = /Tests:\s+(.*?)\s*(\d+) total/.exec(tail);
  if (summary) {
    for (const kind of ['passed', 'failed', 'skipped']) {
      const match = new RegExp(`(\\d+) ${kind}`).exec(summary[1]);
      if (match) totals[kind] += Number(match[1]);
    }
  }
  // A tier can fail with no failing test counted (a suite that did not load, a type error): count it once.
  if (code !== 0 && (!summary || !/\d+ failed/.test(summary[1]))) totals.failed += 1;
}

async function runLane(lane, live) {
  for (const tier of lane) {
    const tierStarted = Date.now();
    if (live) process.stdout.write(`\n▶ ${tier}\n`);
    const { code, tail, held } = await runTier(tier, live);
    if (!live) {
      process.stdout.write(`\n▶ ${tier}\n`);
      for (const [target, chunk] of held) target.write(chunk);
    }
    count(tier, code, tail);
    process.stdout.write(`◀ ${tier}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - tierStarted) / 1000).toFixed(1)} s\n`);
    if (code !== 0) return code;
  }
  return 0;
}

for (const lanes of stages) {
  const codes = await Promise.all(lanes.map((lane) => runLane(lane, lanes.length === 1)));
  const failed = codes.find((code) => code !== 0);
  if (failed !== undefined) {
    process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
    process.exit(failed);
  }
}
process.stdout.write(`\nAll tiers passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
