// A headless Firefox ESR participant for the Java browser tests (FirefoxParticipant.java): Selenium needs
// geckodriver, which Debian does not ship, so Firefox is driven with puppeteer-core over WebDriver BiDi.
//
//   node participant.mjs URL
//
// Opens URL with a fake camera and microphone, then answers requests on stdin, one JSON object a line:
// {"id": 1, "expr": "window.javameet.state"} -> {"id": 1, "ok": true, "value": "joined"} on stdout
// (a Promise is awaited; an exception gives {"id", "ok": false, "error"}). Closes Firefox at end of stdin.
import puppeteer from 'puppeteer-core';
import readline from 'node:readline';

const url = process.argv[2];
const firefox = process.env.JAVAMEET_FIREFOX || '/usr/bin/firefox-esr';
const reply = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: firefox,
  headless: true,
  extraPrefsFirefox: {
    'media.navigator.streams.fake': true, // a generated camera picture and a tone for the microphone
    'media.navigator.permission.disabled': true,
    // the fake camera's size when a page asks for none; the web client asks for 1280x720, which Firefox's fake
    // camera then makes (so it sends simulcast layers like a real 720p camera)
    'media.navigator.video.default_width': 320,
    'media.navigator.video.default_height': 240,
    'media.navigator.video.default_fps': 15,
    'media.autoplay.default': 0,
    'media.autoplay.blocking_policy': 0,
    'media.peerconnection.ice.loopback': true, // the server's candidate is 127.0.0.1 in the test namespace
    'media.peerconnection.ice.obfuscate_host_addresses': false,
    'network.dns.disableIPv6': true,
  },
});
const page = await browser.newPage();
page.on('console', (m) => process.stderr.write(`[firefox console] ${m.type()}: ${m.text()}\n`));
page.on('pageerror', (e) => process.stderr.write(`[firefox pageerror] ${e}\n`));
await page.goto(url);
reply({ id: 0, ok: true, value: 'ready' });

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let id = -1;
  try {
    const request = JSON.parse(line);
    id = request.id;
    const value = await page.evaluate(`(async () => (${request.expr}))()`);
    reply({ id, ok: true, value: value === undefined ? null : value });
  } catch (e) {
    reply({ id, ok: false, error: String(e && e.message ? e.message : e) });
  }
}
await browser.close();
