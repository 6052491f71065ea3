/*
 * The ceilings Portico is compared with: a bare node:http handler and a minimal Express 5 app, each
 * answering every request with the bytes and headers Portico sent for its terms page.
 * Run as a child process: node reference-server.js <bare|express> <port> <response.json>
 */
import fs from 'node:fs';
import http from 'node:http';
import express from 'express';

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  bodyBase64: string;
}

const [kind, portText, file] = process.argv.slice(2);
const recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as RecordedResponse;
const body = Buffer.from(recorded.bodyBase64, 'base64');

let server: http.Server;
if (kind === 'bare') {
  const headers = { ...recorded.headers, 'content-length': String(body.length) };
  server = http.createServer((_req, res) => {
    res.writeHead(recorded.status, headers);
    res.end(body);
  });
} else if (kind === 'express') {
  const app = express();
  app.use((_req, res) => {
    res.status(recorded.status).set(recorded.headers).send(body);
  });
  server = http.createServer(app);
} else {
  throw new Error(`unknown reference server "${kind}"`);
}
server.listen(Number(portText), '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
