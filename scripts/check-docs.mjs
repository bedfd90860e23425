#!/usr/bin/env node
// Every shell command the README and docs/ show in a fenced `sh` block is
// run here, as written, from the repository's root (or skipped, with the
// reason printed), so the docs cannot drift from the code. scripts/test.sh
// runs it last. A command this file does not know fails the check: a new
// command in the docs must be added below, to run or with why it cannot.
//
//   node scripts/check-docs.mjs
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What to do with each command, by the whole command (comments stripped):
 * `run` with the exit status expected and what its output must say, or
 * `skip` with the reason.
 */
const COMMANDS = [
  { command: './scripts/serve.sh', skip: 'serves until stopped; the serve-alongside step runs trunk serve as serve.sh does' },
  { command: './scripts/test.sh', skip: 'this check is its last step' },
  { command: './scripts/bench.sh', skip: 'the benchmark takes about half an hour (on demand, never in CI)' },
  {
    command: 'cargo run --release --bin raftlab-trace -- check docs/example.raftlab.ndjson',
    status: 0,
    says: /^Raftlab trace: 67 events from 67 lines .*could not check: none; nothing broke$/m,
  },
  {
    command: 'cargo run --release --bin raftlab-fuzz -- --seeds 10 --first-seed 1',
    status: 0,
    says: /^seeds=10 violations=0 unknown=0 events=\d+ /m,
  },
  {
    command: 'cargo run --release --bin raftlab-fuzz -- --seeds 200 --first-seed 1 --fault commit-any-term',
    status: 1,
    says: /^FAIL seed=16 /m,
  },
  {
    command: 'cargo run --release --example explain_seed -- 16 20 commit-any-term',
    status: 1,
    says: /^Leader Completeness violated at step \d+ .*\nsettings: .*\n(#\d+ .*\n){20}/m,
  },
  {
    command: 'cargo run --release --example timeline_report -- 5 3',
    status: 0,
    says: /seek/,
  },
];

/** Every fenced sh/bash block's commands in `file`, with their lines. */
function commandsIn(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = [];
  let fence = null;
  lines.forEach((line, i) => {
    const open = /^```(\w*)\s*$/.exec(line);
    if (open && fence === null) {
      fence = open[1];
      return;
    }
    if (/^```\s*$/.test(line) && fence !== null) {
      fence = null;
      return;
    }
    if (!['sh', 'bash', 'shell'].includes(fence)) return;
    const command = line.replace(/\s+#.*$/, '').trim();
    if (command && !command.startsWith('#')) found.push({ where: `${path.relative(ROOT, file)}:${i + 1}`, command });
  });
  return found;
}

const files = [path.join(ROOT, 'README.md'), ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join(ROOT, 'docs', f))];
let failed = 0;
let ran = 0;
let skipped = 0;
for (const file of files) {
  for (const { where, command } of commandsIn(file)) {
    const rule = COMMANDS.find((c) => c.command === command);
    if (!rule) {
      console.log(`FAIL ${where}: \`${command}\` is not known to scripts/check-docs.mjs: add it there, to run or with the reason it cannot`);
      failed++;
      continue;
    }
    if (rule.skip) {
      console.log(`skip ${where}: \`${command}\`: ${rule.skip}`);
      skipped++;
      continue;
    }
    const started = Date.now();
    const out = spawnSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const text = `${out.stdout}${out.stderr}`;
    const problems = [];
    if (out.status !== rule.status) problems.push(`exit status ${out.status}, expected ${rule.status}`);
    if (!rule.says.test(out.stdout)) problems.push(`its output does not match ${rule.says}`);
    if (problems.length) {
      console.log(`FAIL ${where}: \`${command}\` (${seconds} s): ${problems.join('; ')}\n${text.split('\n').slice(-15).join('\n')}`);
      failed++;
    } else {
      console.log(`ok   ${where}: \`${command}\` (${seconds} s)`);
      ran++;
    }
  }
}
console.log(`docs: ${ran} commands ran as documented, ${skipped} skipped with the reason, ${failed} failed`);
process.exit(failed ? 1 : 0);
