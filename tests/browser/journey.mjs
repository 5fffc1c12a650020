// The reviewers' journey in a real browser (Debian's chromium through playwright-core):
// a reviewer signs in, opens an appeal, views the images and requests information; the
// applicant answers through the API; a second reviewer approves. Screenshots of the queue and
// the case page are kept in target/browser-artifacts.
//
// Needs GATEHOUSE_BIN (the built binary); CHROMIUM (default /usr/bin/chromium).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const bin = process.env.GATEHOUSE_BIN || join(root, 'target', 'debug', 'gatehouse');
const artifacts = process.env.ARTIFACTS_DIR || join(root, 'target', 'browser-artifacts');
mkdirSync(artifacts, { recursive: true });
const data = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
const profiles = [];
const env = {
  ...process.env,
  GATEHOUSE_DATA_DIR: data,
  GATEHOUSE_DATABASE_URL: '',
  GATEHOUSE_CONFIG: '',
  GATEHOUSE_REVIEW__APPEAL_COOLDOWN_SECONDS: '0',
  GATEHOUSE_LOG__LEVEL: 'warn',
};
delete env.GATEHOUSE_DATABASE_URL;
delete env.GATEHOUSE_CONFIG;
delete env.GATEHOUSE_BIN;

const STAFF_PASSWORD = 'a long reviewer passphrase';

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function cli(args, input) {
  const r = spawnSync(bin, args, { env, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gatehouse ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// A real PNG (so the browser can draw it): a w×h gradient.
function png(w, h, tint) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, body) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const tb = Buffer.concat([Buffer.from(type, 'ascii'), body]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(tb));
    return Buffer.concat([len, tb, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      row[1 + x * 3] = (x * 255) / w;
      row[2 + x * 3] = (y * 255) / h;
      row[3 + x * 3] = tint;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let server;
const browsers = [];
try {
  cli(['migrate']);
  cli(['users', 'create', '--email', 'alice@review.example', '--role', 'reviewer'], `${STAFF_PASSWORD}\n`);
  cli(['users', 'create', '--email', 'bob@review.example', '--role', 'senior-reviewer'], `${STAFF_PASSWORD}\n`);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {}
    if (i > 150) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }

  // The applicant: an expired passport is rejected; they appeal with a supporting file.
  async function api(method, path, { token, json, raw, type } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let body;
    if (json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(json); }
    if (raw !== undefined) { headers['content-type'] = type || 'application/octet-stream'; body = raw; }
    const r = await fetch(`${base}${path}`, { method, headers, body });
    const text = await r.text();
    let parsed = null;
    try { parsed = JSON.parse(text); } catch {}
    return { status: r.status, body: parsed, text };
  }
  const email = 'li.wei@example.com';
  const password = 'a long applicant passphrase';
  assert.equal((await api('POST', '/v1/accounts', { json: { email, password, terms_version: '2026-01' } })).status, 201);
  const token = (await api('POST', '/v1/sessions', { json: { login: email, password } })).body.token;
  const app = await api('POST', '/v1/kyc/applications', {
    token,
    json: {
      person: { given_names: 'Wei', surname: 'Li', native_name: '李伟', date_of_birth: '1990-01-02',
                nationality: 'CN', residence_country: 'CN', sex: 'M' },
      document: { type: 'passport', issuing_country: 'CHN', number: 'E12345678', expiry_date: '2020-01-01' },
    },
  });
  assert.equal(app.status, 201, app.text);
  const appId = app.body.id;
  for (const [slot, tint] of [['document_front', 40], ['selfie', 200]]) {
    const up = await api('PUT', `/v1/kyc/applications/${appId}/files/${slot}`, { token, raw: png(320, 200, tint), type: 'image/png' });
    assert.equal(up.status, 201, up.text);
  }
  const decided = await api('POST', `/v1/kyc/applications/${appId}/submit`, { token });
  assert.equal(decided.body.status, 'rejected_retry', decided.text);
  const appeal = await api('POST', `/v1/kyc/applications/${appId}/appeals`, {
    token, json: { message: 'My passport was renewed last month; the renewal letter is attached.' },
  });
  assert.equal(appeal.status, 201, appeal.text);
  assert.equal((await api('PUT', `/v1/kyc/appeals/${appeal.body.id}/files/renewal.pdf?kind=other`, { token, raw: PDF })).status, 201);
  assert.equal((await api('PUT', `/v1/kyc/appeals/${appeal.body.id}/files/statement.png?kind=handwritten_statement`, { token, raw: png(200, 260, 120) })).status, 201);
  assert.equal((await api('POST', `/v1/kyc/appeals/${appeal.body.id}/submit`, { token })).status, 200);

  // Each reviewer gets a browser of their own, with a fresh profile.
  async function signIn(who) {
    const profile = mkdtempSync(join(tmpdir(), 'gatehouse-chromium-'));
    profiles.push(profile);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1366, height: 900 },
      locale: 'en-US',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    browsers.push(context);
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(`${base}/backoffice/queue`);
    assert.match(page.url(), /\/backoffice\/login$/);
    await page.fill('#email', who);
    await page.fill('#password', STAFF_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/backoffice\/queue$/);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'gh_staff');
    assert.ok(session && session.httpOnly && session.secure && session.sameSite === 'Strict', JSON.stringify(cookies));
    return { context, page };
  }

  // Reviewer one: the queue, the appeal, the images, a request for information.
  const alice = await signIn('alice@review.example');
  await alice.page.selectOption('#f-kind', 'appeal');
  await alice.page.click('form.filters button[type=submit]');
  await alice.page.waitForSelector('#queue tr[data-case]');
  await alice.page.screenshot({ path: join(artifacts, 'queue.png'), fullPage: true });
  await alice.page.click('#queue tr[data-case] a');
  await alice.page.waitForSelector('#claim');
  await alice.page.click('#claim');
  await alice.page.waitForSelector('#decision-form');
  const appealText = await alice.page.textContent('section.appeal');
  assert.match(appealText, /renewal letter/);
  await alice.page.waitForLoadState('load');
  await alice.page.waitForFunction(() => [...document.images].every((i) => i.complete));
  const images = await alice.page.$$eval('img.doc', (imgs) => imgs.map((i) => ({ src: i.getAttribute('src'), w: i.naturalWidth })));
  assert.ok(images.length >= 3, JSON.stringify(images));
  for (const i of images) assert.ok(i.w > 0, `image not shown: ${i.src}`);
  await alice.page.screenshot({ path: join(artifacts, 'case.png'), fullPage: true });
  await alice.page.check('input[name=action][value=request_info]');
  await alice.page.check('input[name=documents][value=utility_bill]');
  await alice.page.fill('#note_to_applicant', 'Please send a utility bill from the last three months showing your address.');
  await alice.page.fill('#internal_note', 'Renewal letter looks genuine; address still to check.');
  await alice.page.click('#decision-form button[type=submit]');
  await alice.page.waitForSelector('#case-status');
  assert.equal((await alice.page.textContent('#case-status')).trim(), 'info_requested');

  // The applicant sees what is wanted and answers through the API.
  const asked = await api('GET', `/v1/kyc/applications/${appId}`, { token });
  assert.equal(asked.body.status, 'info_requested');
  assert.deepEqual(asked.body.review.info_request.documents, ['utility_bill']);
  assert.ok(!asked.text.includes('genuine'), 'internal notes stay internal');
  assert.equal((await api('PUT', `/v1/kyc/applications/${appId}/info-files/bill.png?kind=utility_bill`, { token, raw: png(240, 320, 90) })).status, 201);
  assert.equal((await api('POST', `/v1/kyc/applications/${appId}/messages`, { token, json: { body: 'Here is my electricity bill.' } })).status, 201);
  assert.equal((await api('GET', `/v1/kyc/applications/${appId}`, { token })).body.status, 'manual_review');

  // Reviewer two takes it from the queue and approves.
  const bob = await signIn('bob@review.example');
  await bob.page.click('#queue tr[data-case] a');
  await bob.page.waitForSelector('#claim');
  await bob.page.click('#claim');
  await bob.page.waitForSelector('#decision-form');
  assert.match(await bob.page.textContent('#info-files'), /bill\.png/);
  assert.match(await bob.page.textContent('#thread'), /electricity bill/);
  assert.match(await bob.page.textContent('#notes'), /genuine/);
  await bob.page.check('input[name=action][value=approve]');
  await bob.page.fill('#note_to_applicant', 'Thank you, your account is verified.');
  await bob.page.click('#decision-form button[type=submit]');
  await bob.page.waitForSelector('#case-status');
  assert.equal((await bob.page.textContent('#case-status')).trim(), 'closed');
  await bob.page.screenshot({ path: join(artifacts, 'case-decided.png'), fullPage: true });
  await bob.page.goto(`${base}/backoffice/dashboard`);
  await bob.page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
  await bob.page.goto(`${base}/backoffice/lang/zh-CN`);
  await bob.page.waitForURL(/\/backoffice\/queue/);
  assert.match(await bob.page.textContent('h1'), /待审队列/);

  const done = await api('GET', `/v1/kyc/applications/${appId}`, { token });
  assert.equal(done.body.status, 'approved', done.text);
  assert.match(cli(['audit', 'verify']), /audit log intact/);
  console.log(`browser journey passed; screenshots in ${artifacts}`);
} finally {
  for (const b of browsers) await b.close().catch(() => {});
  if (server) server.kill('SIGTERM');
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
}
