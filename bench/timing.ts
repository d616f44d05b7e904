/** One round of a micro-benchmark: warm up, then time single calls (µs each) until the round's time is spent. */
export function round(run: () => unknown, ms: number): number[] {
  for (let i = 0; i < 100; i++) run();
  const samples: number[] = [];
  const until = performance.now() + ms;
  while (samples.length < 100 || (performance.now() < until && samples.length < 50_000)) {
    const s = performance.now();
    run();
    samples.push((performance.now() - s) * 1000);
  }
  return samples;
}
