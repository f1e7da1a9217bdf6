import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";

/** Listens on 127.0.0.1 with an OS-chosen port and returns the base URL and a close function that also drops keep-alive sockets. */
export async function listenLocal(app: express.Express): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, "127.0.0.1", (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address: AddressInfo | string | null = server.address();
  if (!address || typeof address === "string") throw new Error("fake server has no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves one router (a webhook under test) on 127.0.0.1:0, mounted the way the app mounts it: before any JSON parser. */
export async function serveRouter(router: express.Router, before?: express.RequestHandler): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  if (before) app.use(before);
  app.use(router);
  const { url, close } = await listenLocal(app);
  return { url, close };
}
