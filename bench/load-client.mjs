/**
 * The benchmark's load generator, run in a worker thread so that it does not share the server's event loop:
 * CONV conversations each send PER messages one after another over keep-alive HTTP connections.
 */
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { port, path: urlPath, label, conv, per, texts } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

/** @param {string} body @returns {Promise<number>} */
function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: urlPath, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const acks = [];
let bad = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: conv }, async (_, c) => {
    const sessionId = `bench-${label}-${c}-${"x".repeat(12)}`;
    for (let i = 0; i < per; i++) {
      const body = JSON.stringify({ sessionId, clientMessageId: `b${label}-${c}-${i}-xxxx`, text: texts[i % texts.length] });
      const s = performance.now();
      const status = await post(body);
      acks.push(performance.now() - s);
      if (status !== 202) bad++;
    }
  }),
);
acks.sort((a, b) => a - b);
parentPort.postMessage({ seconds: (performance.now() - t0) / 1000, count: conv * per, bad, ackP50: acks[Math.floor(acks.length * 0.5)], ackP99: acks[Math.floor(acks.length * 0.99)] });
agent.destroy();
