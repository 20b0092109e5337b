// Opens report.html in headless Chromium (puppeteer-core, Debian's
// chromium) at 1280 px and prints "overflow charts empty requests errors":
// whether the page is wider than the window, how many charts it has, how
// many of them draw nothing, the requests it made beyond its own file, and
// its console messages and page errors.
const puppeteer = require('puppeteer-core');

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || 'chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const page = await browser.newPage();
  const requests = [], errors = [];
  page.on('request', r => { if (r.url() !== 'file://' + process.argv[2]) requests.push(r.url()); });
  page.on('console', m => errors.push(m.text()));
  page.on('pageerror', e => errors.push(e.message));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto('file://' + process.argv[2], { waitUntil: 'load' });
  const r = await page.evaluate(() => ({
    overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    charts: [...document.querySelectorAll('svg')].map(s => s.querySelectorAll('rect, path, polyline').length),
  }));
  console.log([r.overflow, r.charts.length, r.charts.filter(n => n === 0).length,
               requests.length, errors.length].join(' ') +
              (requests.length || errors.length ? ' ' + JSON.stringify(requests.concat(errors)) : ''));
  await browser.close();
})().catch(e => { console.log('error: ' + e.message); process.exit(1); });
