#!/usr/bin/python3
"""make_case.py CASE DIR — writes the hostile document of CASE into DIR/doc
and prints the source config that reads it (source id "hostile-CASE").

Each case is a document a server we do not control could send.  The harness
(tests/hostile/run) loads it as the only new document of a source and checks
the exact error, the exit code, and that the store and release are intact.
"""
import gzip, json, sys

CSV = '"format": "csv", "columns": {"geo": "country", "period": "year", "value": "reports"}'
TSV = '"format": "eurostat-tsv", "columns": {"geo": "geo"}, "filter": {"indic_de": "JAN"}'
SDMXCSV = ('"format": "sdmx-csv", "columns": {"geo": "geo", "period": "TIME_PERIOD", '
           '"value": "OBS_VALUE"}')
JSON = ('"format": "json", "records": "/data", "columns": {"geo": "country", '
        '"period": "year", "value": "reports"}')
JSONSTAT = '"format": "json-stat", "columns": {"geo": "geo", "period": "time"}'
SDMX = '"format": "sdmx-ml", "columns": {"geo": "GEO"}'
HTML = ('"format": "html", "html": {"table": "//table"}, "columns": {"geo": "country", '
        '"period": "year", "value": "reports"}')
PDF = ('"format": "pdf", "pdf": {"row": "([A-Za-z ]+) +([0-9,]+)", "geo_group": 1, '
       '"value_group": 2}, "constant": {"measure": "reports_by_country", "period": "2020", '
       '"unit": "reports"}')


def sdmx(body, pre=""):
    return (pre + '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
            'xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic">'
            '<message:DataSet>' + body + '</message:DataSet></message:GenericData>\n')


def series(geo, value):
    return ('<generic:Series><generic:SeriesKey><generic:Value id="GEO" value="%s"/>'
            '</generic:SeriesKey><generic:Obs><generic:ObsDimension value="2020"/>'
            '<generic:ObsValue value="%s"/></generic:Obs></generic:Series>' % (geo, value))


def html(table):
    return "<!DOCTYPE html><html><body>" + table + "</body></html>\n"


CASES = {
    # CSV
    "csv-unterminated-quote": (CSV, lambda: b'country,year,reports\nAustria,2020,"10,217\n'),
    "csv-ragged-row": (CSV, lambda: b'country,year,reports\nAustria,2020,10217,extra\n'),
    "csv-nul-byte": (CSV, lambda: b'country,year,reports\nAus\x00tria,2020,10217\n'),
    "csv-huge-field": (CSV + ', "max_bytes": 1048576',
                       lambda: b'country,year,reports\n"' + b'A' * (2 << 20) + b'",2020,1\n'),
    "csv-field-over-limit": (CSV + ', "max_bytes": 8388608',
                             lambda: b'country,year,reports\n"' + b'A' * (3 << 20) + b'",2020,1\n'),
    "csv-formula-value": (CSV, lambda: b'country,year,reports\nAustria,2020,=cmd|\' /C calc\'!A0\n'),
    "csv-formula-geo": (CSV, lambda: b'country,year,reports\n"=HYPERLINK(""http://x"")",2020,5\n'),
    "csv-sql-geo": (CSV, lambda: b"country,year,reports\n\"Robert'); DROP TABLE value;--\",2020,5\n"),
    "csv-invalid-utf8": (CSV, lambda: b'country,year,reports\nAustr\xffia,2020,10217\n'),
    "csv-missing-column": (CSV, lambda: b'country,year\nAustria,2020\n'),
    "csv-empty": (CSV, lambda: b''),
    "csv-header-only": (CSV, lambda: b'country,year,reports\n'),
    "csv-bad-period": (CSV, lambda: b'country,year,reports\nAustria,20x0,10217\n'),
    "csv-gzip-bomb": (CSV + ', "max_bytes": 1048576',
                      lambda: gzip.compress(b'country,year,reports\n' + b'Austria,2020,1\n' * 2000000)),
    # TSV and SDMX-CSV
    "tsv-bad-cell": (TSV, lambda: b'indic_de,geo\\time\t2020 \nJAN,AT\t12abc \n'),
    "tsv-bad-flag": (TSV, lambda: b'indic_de,geo\\time\t2020 \nJAN,AT\t8901064 !\n'),
    "sdmx-csv-no-obs-value": (SDMXCSV, lambda: b'DATAFLOW,geo,TIME_PERIOD\nX,AT,2020\n'),
    # JSON
    "json-duplicate-keys": (JSON, lambda: b'{"data": [{"country": "Austria", "country": "Malta", '
                            b'"year": "2020", "reports": 1}]}'),
    "json-nul-escape": (JSON, lambda: b'{"data": [{"country": "Aus\\u0000tria", "year": "2020", '
                        b'"reports": 1}]}'),
    "json-2p53-plus-1": (JSON, lambda: b'{"data": [{"country": "Austria", "year": "2020", '
                         b'"reports": 9007199254740993}]}'),
    "json-1e400": (JSON, lambda: b'{"data": [{"country": "Austria", "year": "2020", "reports": 1e400}]}'),
    "json-deep-nesting": (JSON, lambda: b'[' * 1001 + b']' * 1001),
    "json-trailing-data": (JSON, lambda: b'{"data": []} {"data": []}'),
    "json-lone-surrogate": (JSON, lambda: b'{"data": [{"country": "\\ud800", "year": "2020", '
                            b'"reports": 1}]}'),
    "jsonstat-size-overflow": (JSONSTAT, lambda: b'{"version": "2.0", "class": "dataset", "id": ["geo", '
                               b'"time"], "size": [4294967296, 4294967296], "dimension": {}, '
                               b'"value": []}'),
    "jsonstat-value-too-short": (JSONSTAT, lambda: b'{"version": "2.0", "class": "dataset", "id": ["geo", '
                                 b'"time"], "size": [2, 1], "dimension": {"geo": {"category": '
                                 b'{"index": ["AT", "BE"]}}, "time": {"category": {"index": '
                                 b'["2020"]}}}, "value": [1]}'),
    # XML
    "sdmx-xxe": (SDMX, lambda: sdmx(series("AT", "&xxe;"),
                            '').replace('<?xml version="1.0" encoding="UTF-8"?>\n',
                                        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE m '
                                        '[<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n').encode()),
    "sdmx-billion-laughs": (SDMX, lambda: ('<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                                   + ''.join('<!ENTITY %s "%s">' % (chr(98 + i), ('&%s;' % chr(97 + i)) * 10)
                                             for i in range(9))
                                   + ']>\n<x>&j;</x>\n').encode()),
    "sdmx-deep-nesting": (SDMX, lambda: (b'<?xml version="1.0"?>\n' + b'<a>' * 100000 + b'</a>' * 100000)),
    "sdmx-invalid-utf8": (SDMX, lambda: sdmx(series("A\xff", "1")).encode('latin-1')),
    "sdmx-not-xml": (SDMX, lambda: b'this is not XML\n'),
    "sdmx-truncated": (SDMX, lambda: sdmx(series("AT", "1"))[:-40].encode()),
    # HTML
    "html-no-table": (HTML, lambda: html("<p>nothing here</p>").encode()),
    "html-deep-nesting": (HTML, lambda: html("<div>" * 50000 + "</div>" * 50000).encode()),
    "html-invalid-utf8": (HTML, lambda: html("<table><tr><th>country</th><th>year</th><th>reports</th>"
                                     "</tr><tr><td>Austr\xffia</td><td>2020</td><td>1</td></tr>"
                                     "</table>").encode('latin-1')),
    "html-script-value": (HTML, lambda: html("<table><tr><th>country</th><th>year</th><th>reports</th>"
                                     "</tr><tr><td>Austria</td><td>2020</td><td><script>alert(1)"
                                     "</script></td></tr></table>").encode()),
    # PDF
    "pdf-not-a-pdf": (PDF, lambda: b'%PDF-1.4 but really just text\n'),
    "pdf-huge": (PDF + ', "max_bytes": 1048576', lambda: b'%PDF-1.4\n' + b'0' * (2 << 20)),
}

if sys.argv[1] == "--list":
    print("\n".join(sorted(CASES)))
    sys.exit(0)
name, d = sys.argv[1], sys.argv[2]
members, doc = CASES[name]
open(d + "/doc", "wb").write(doc())
source = {"id": "hostile-" + name, "publisher": "test", "title": "hostile case " + name,
          "url": "file:../sample/hostile-%s.doc" % name, "licence": "test",
          "citation": "test", "grade": "publisher", "max_age_days": 0,
          "constant": {"measure": "reports_by_country", "unit": "reports"}}
source.update(json.loads("{" + members + "}"))
json.dump(source, sys.stdout)
