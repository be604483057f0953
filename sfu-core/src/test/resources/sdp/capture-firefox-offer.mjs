import puppeteer from 'puppeteer-core';
import http from 'node:http';
const server = http.createServer((q, r) => { r.setHeader('content-type','text/html'); r.end('<html><body>x</body></html>'); }).listen(18555, '127.0.0.1');
const browser = await puppeteer.launch({
  browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true,
  extraPrefsFirefox: { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true,
    'media.peerconnection.ice.loopback': true },
});
const page = await browser.newPage();
await page.goto('http://localhost:18555/');
const sdp = await page.evaluate(async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendonly', streams: [stream] });
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  await new Promise(r => setTimeout(r, 500));
  return pc.localDescription.sdp;
});
console.log(sdp);
await browser.close();
server.close();
