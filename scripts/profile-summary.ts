/**
 * npx tsx scripts/profile-summary.ts FILE.cpuprofile [N]: the N functions with the most self
 * time in a V8 CPU profile (from node --cpu-prof, e.g. BENCH_CPU_PROF=dir npm run bench), by
 * share of all samples, so a profile can be read without a browser.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, count = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx scripts/profile-summary.ts FILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<string, number>();
let total = 0;
for (const [i, id] of profile.samples.entries()) {
  const delta = profile.timeDeltas[i] ?? 0;
  const frame = byId.get(id)?.callFrame;
  const where = frame?.url ? `${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}` : '';
  const key = `${frame?.functionName || '(anonymous)'} ${where}`.trim();
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
  total += delta;
}
const rows = [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
console.log(`${(total / 1e6).toFixed(1)} s sampled`);
for (const [name, micros] of rows) console.log(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`);
