// Drives headless Chromium over the DevTools protocol against the mock server, printing console
// output, exceptions and the test hook's state, and saving screenshots. Needs Node ≥ 20.10:
//   node --experimental-websocket web-client/src/test/mock/drive.mjs <url> <outPrefix> [steps.json] [WxH]
// Env: INJECT=file.js (run before the page's scripts), NO_DEVICES=1 (no camera/mic), DENY=1 (permission refused).
// steps: [{"eval": "js expression"}, {"click": "#id"}, {"wait": ms}, {"shot": "name"}, {"type": ["#id", "text"]}]
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const [url, out = '/tmp/jm', stepsArg, size = '1280x800'] = process.argv.slice(2);
const steps = stepsArg ? JSON.parse(fs.existsSync(stepsArg) ? fs.readFileSync(stepsArg, 'utf8') : stepsArg) : [{ wait: 3000 }, { shot: 'page' }];
const [w, h] = size.split('x').map(Number);
const port = 9300 + Math.floor(Math.random() * 500);
// NO_DEVICES=1: no fake camera/mic; DENY=1: fake devices but the permission prompt is refused.
const media = [process.env.NO_DEVICES ? null : '--use-fake-device-for-media-stream',
  process.env.DENY ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream'].filter(Boolean);
const chrome = spawn('chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--allow-loopback-in-peer-connection', ...media, '--autoplay-policy=no-user-gesture-required', `--remote-debugging-port=${port}`, `--window-size=${w},${h}`,
  `--user-data-dir=/tmp/jm-profile-${port}`, 'about:blank'], { stdio: 'ignore' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let target;
for (let i = 0; i < 50 && !target; i++) {
  await sleep(200);
  try { target = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()).find((t) => t.type === 'page'); } catch { /* starting */ }
}
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((r) => ws.addEventListener('open', r));
let seq = 0;
const pending = new Map();
ws.addEventListener('message', (ev) => {
  const msg = JSON.parse(ev.data);
  if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); return; }
  if (msg.method === 'Runtime.consoleAPICalled') {
    console.log(`[console.${msg.params.type}]`, msg.params.args.map((a) => a.value ?? a.description ?? a.type).join(' '));
  } else if (msg.method === 'Runtime.exceptionThrown') {
    console.log('[EXCEPTION]', msg.params.exceptionDetails.exception?.description ?? msg.params.exceptionDetails.text);
  } else if (msg.method === 'Log.entryAdded') {
    console.log(`[log.${msg.params.entry.level}]`, msg.params.entry.text, msg.params.entry.url ?? '');
  }
});
const call = (method, params = {}) => new Promise((resolve) => { const id = ++seq; pending.set(id, resolve); ws.send(JSON.stringify({ id, method, params })); });
const evaluate = async (expression) => {
  const r = await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true, userGesture: true });
  return r.result?.exceptionDetails ? `THREW ${r.result.exceptionDetails.exception?.description}` : r.result?.result?.value;
};

await call('Runtime.enable');
await call('Log.enable');
await call('Page.enable');
if (process.env.INJECT) await call('Page.addScriptToEvaluateOnNewDocument', { source: fs.readFileSync(process.env.INJECT, 'utf8') });
await call('Emulation.setDeviceMetricsOverride', { width: w, height: h, deviceScaleFactor: 1, mobile: w < 600 });
await call('Page.navigate', { url });
await sleep(500);
for (const step of steps) {
  if (step.wait) await sleep(step.wait);
  if (step.eval) console.log(`> ${step.eval}\n`, JSON.stringify(await evaluate(step.eval), null, 1));
  if (step.click) console.log(`click ${step.click}:`, await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(step.click)}); if (!e) return 'missing'; e.click(); return 'ok'; })()`));
  if (step.key) await evaluate(`document.body.dispatchEvent(new KeyboardEvent('keydown', {key: ${JSON.stringify(step.key)}, bubbles: true}))`);
  if (step.type) await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(step.type[0])}); e.value = ${JSON.stringify(step.type[1])}; e.dispatchEvent(new Event('input', {bubbles: true})); })()`);
  if (step.shot) {
    const r = await call('Page.captureScreenshot', { format: 'png' });
    fs.writeFileSync(`${out}-${step.shot}.png`, Buffer.from(r.result.data, 'base64'));
    console.log(`screenshot ${out}-${step.shot}.png`);
  }
}
ws.close();
chrome.kill();
process.exit(0);
