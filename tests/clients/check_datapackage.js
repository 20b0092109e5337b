// Reads a provstat release with the Frictionless `datapackage` library:
// the package must be valid and its indicators resource must read back as
// typed rows, and so must every other resource.  Prints "rows firstValue"; exits 1 with the errors otherwise.
const { Package } = require('datapackage');

(async () => {
  const pkg = await Package.load(process.argv[2]);
  if (!pkg.valid) {
    console.log('invalid: ' + JSON.stringify(pkg.errors.map(e => e.message)));
    process.exit(1);
  }
  const res = pkg.getResource('indicators');
  const rows = await res.read({ keyed: true });
  const pl = rows.find(r => r.indicator === 'ncmec_reports_by_country' &&
                          r.geo === 'PL' && r.period === '2020');
  // Every resource reads as typed rows (a cast error throws).
  for (const r of pkg.resources)
    await r.read();
  console.log(rows.length + ' ' + (pl ? pl.value : 'none') + ' ' +
              pkg.descriptor.resources.length);
})().catch(e => { console.log('error: ' + e.message); process.exit(1); });
