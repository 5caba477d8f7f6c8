import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { defaultConsoleDir, serveConsole } from './console-host';

@Module({})
class EmptyModule {}

const INDEX = `<!doctype html><html><head><meta name="csp-nonce" content="__CSP_NONCE__" />
<script type="module" src="/console/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>`;

async function appServing(dir: string): Promise<INestApplication> {
  const app = await NestFactory.create(EmptyModule, { logger: false });
  serveConsole(app, dir);
  await app.init();
  return app;
}

describe('the console host', () => {
  let dir: string;
  let app: INestApplication;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-console-host-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1);');
    app = await appServing(dir);
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with a fresh nonce in its meta tag and in a strict CSP, never cached', async () => {
    const first = await request(app.getHttpServer()).get('/console').expect(200);
    const second = await request(app.getHttpServer()).get('/console/').expect(200);
    const nonceOf = (res: request.Response) => /content="([^"]+)"/.exec(res.text)![1];
    expect(nonceOf(first)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(second)).not.toBe(nonceOf(first));
    const csp = String(first.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`style-src 'self' 'nonce-${nonceOf(first)}'`);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.headers['content-type']).toMatch(/^text\/html/);
  });

  it('answers the console routes with the page (the router in the browser takes it from there)', async () => {
    const res = await request(app.getHttpServer()).get('/console/clients/123?q=x').expect(200);
    expect(res.text).toContain('<div id="root">');
  });

  it('serves the hashed assets with a year-long immutable cache, and a missing one is a 404', async () => {
    const res = await request(app.getHttpServer()).get('/console/assets/index-abc123.js').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
    await request(app.getHttpServer()).get('/console/assets/index-old999.js').expect(404);
  });

  it('says how to build the console when it is not built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-console-none-'));
    const bare = await appServing(empty);
    try {
      const res = await request(bare.getHttpServer()).get('/console/overview').expect(503);
      expect(res.text).toContain('npm run build:console');
    } finally {
      await bare.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('looks for the build in dist/console at the repository root', () => {
    expect(defaultConsoleDir()).toBe(path.resolve(__dirname, '../../../dist/console'));
  });
});
