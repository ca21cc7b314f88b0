// npm run example:nodeinfo: the seed example's network trained data-parallel on 2 and
// then 4 nodes (workers, each on its shard of the batch; examples/nodeinfo-node.mjs),
// printing node 0's error on its shard every 5 iterations, as PuzzleLib's rank 0 does,
// and every node's weights fingerprint: all equal, the replicas never drift apart.
import { startNodes } from "portable-optim";
import { fingerprint } from "./cli.ts";

interface NodeResult {
  lines: string[];
  device: string;
  weights: Float32Array;
}

for (const nodes of [2, 4]) {
  const group = await startNodes(new URL("./nodeinfo-node.mjs", import.meta.url), { nodes });
  const results = (await group.done) as NodeResult[];
  console.log(`${nodes} nodes (node 0's shard of ${16 / nodes} rows):`);
  for (const line of results[0].lines) console.log(line);
  console.log(`weights fingerprints: ${results.map((r, rank) => `node ${rank} (${r.device}) ${fingerprint(r.weights)}`)
    .join(", ")}`);
}
