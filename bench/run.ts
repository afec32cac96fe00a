import { BENCHES } from './index.js';

/**
 * `npm run bench [name...]`: runs each benchmark module listed in bench/index.ts. Each prints its
 * own results next to a baseline measured in the same run. Not part of `npm test`.
 */
async function main() {
  const only = process.argv.slice(2);
  const selected = only.length ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;
  if (!selected.length) {
    console.error(`No benchmark named ${only.join(', ')}. Known: ${BENCHES.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  for (const b of selected) {
    console.log(`\n=== bench: ${b.name} ===`);
    const started = performance.now();
    const mod = await b.load();
    await mod.run();
    console.log(`=== ${b.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s ===`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
