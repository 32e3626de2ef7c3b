// Starts `chatdb up` on free ports of 127.0.0.1 with its own data directory, and stops it.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHATDB = path.resolve(process.env.CHATDB_BIN || path.join(ROOT, 'build', 'chatdb'));
export const REPORTS = path.join(ROOT, 'reports', 'console');

const PORT_VARS = ['TRAINING_ORCHESTRATOR_PORT', 'TEST_SERVICE_PORT', 'QUERY_PARSER_PORT', 'ML_ENGINE_PORT',
                   'MODEL_REGISTRY_PORT', 'CHATDB_CONSOLE_PORT'];

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

export class ChatDB {
  static async start({keys = []} = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatdb-browser-'));
    const env = {...process.env, CHATDB_DATA_DIR: path.join(dir, 'data'), CHATDB_CPU_CAPACITY: '2',
                 CHATDB_PROBE_INTERVAL_MS: '1000'};
    for (const v of ['TRAINING_ORCHESTRATOR_URL', 'QUERY_PARSER_URL', 'ML_ENGINE_URL', 'MODEL_REGISTRY_URL', 'DATABASE_URL',
                     'KAFKA_BOOTSTRAP_SERVERS', 'S3_ENDPOINT', 'CHATDB_API_KEY', 'CHATDB_API_KEYS_FILE']) delete env[v];
    const ports = {};
    for (const v of PORT_VARS) ports[v] = env[v] = String(await freePort());
    const tokens = {};
    for (const [name, scopes] of keys) {
      const r = spawnSync(CHATDB, ['keys', 'create', name, '--scopes', scopes], {env, encoding: 'utf8'});
      if (r.status !== 0) throw new Error(`chatdb keys create: ${r.stderr}`);
      tokens[name] = r.stdout.trim();
    }
    const log = fs.openSync(path.join(dir, 'chatdb.log'), 'w');
    const proc = spawn(CHATDB, ['up'], {env, stdio: ['ignore', 'ignore', log]});
    const db = new ChatDB(dir, env, ports, proc, tokens);
    await db.waitReady();
    return db;
  }

  constructor(dir, env, ports, proc, tokens) {
    Object.assign(this, {dir, env, ports, proc, tokens});
    this.exited = null;
    proc.on('exit', (code) => { this.exited = code; });
    this.url = `http://127.0.0.1:${ports.CHATDB_CONSOLE_PORT}`;
    this.datasetRoot = path.join(env.CHATDB_DATA_DIR, 'datasets');
  }

  async waitReady(timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(PORT_VARS.map((v) => this.ports[v]));
    while (pending.size && Date.now() < deadline) {
      if (this.exited !== null) throw new Error(`chatdb up exited with ${this.exited}: ${this.logs().slice(-2000)}`);
      for (const port of [...pending]) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/ready`);
          if (r.status === 200) pending.delete(port);
        } catch { /* not listening yet */ }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (pending.size) throw new Error(`not ready in ${timeoutMs} ms: ports ${[...pending]}`);
  }

  logs() { return fs.readFileSync(path.join(this.dir, 'chatdb.log'), 'utf8'); }

  async stop() {
    if (this.exited === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, {recursive: true, force: true});
    return this.exited;
  }
}
