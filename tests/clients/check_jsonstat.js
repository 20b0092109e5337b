// Reads indicators.json with jsonstat-toolkit and compares every value with
// indicators.csv (argv[3]); unpublished indicators must carry their note.  Prints "checked N"; exits 1 on a difference.
const fs = require('fs');
const JSONstat = require('jsonstat-toolkit');

const j = JSONstat(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
const ds = j.Dataset(0);
const lines = fs.readFileSync(process.argv[3], 'utf8').trim().split('\n').slice(1);
let n = 0;
for (const line of lines) {
  const [indicator, geo, period, value, , , , status] = line.split(',');
  if (status === 'unpublished') {
    // No cell: the indicator is a category whose note says why.
    const cat = ds.Dimension('indicator').Category(indicator);
    if (!cat || !cat.note || !cat.note[0].startsWith('Unpublished: ')) {
      console.log(`unpublished ${indicator} has no note in JSON-stat`);
      process.exit(1);
    }
    n++;
    continue;
  }
  const cell = ds.Data({ indicator, geo, period });
  const got = cell === null ? undefined : cell.value;
  const want = value === '' ? null : Number(value);
  if (got !== want) {
    console.log(`differs: ${indicator} ${geo} ${period}: ${got} != ${want}`);
    process.exit(1);
  }
  n++;
}
console.log('checked ' + n + ' ' + ds.length);
