import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { urlDomain } from '../clean/clean-text.js';
import { findSparkSubmit, SPARK_JOB } from './spark-submit.js';

// URLs whose hosts a parser can read in more ways than one. The Spark job must give each the
// domain `urlDomain` gives (`new URL`, the WHATWG URL Standard). Left out on purpose: labels
// whose Punycode does not decode (`xn--zz`, `xn--`), which Node.js 20 refuses and Node.js 26 keeps.
const URLS = [
  ...['https://example.com/a', 'HTTPS://WWW.Example.COM:8080/a', 'https://www.x.com', 'http://www/'],
  ...[
    'https://user:pw@host.example/',
    'https://a@b@host.example/',
    'https://@host.example/',
    'https://host.example@/',
  ],
  // IDNA: mapping, Punycode, deviations, ignored and refused code points, right-to-left labels
  ...[
    'https://bücher.example/x',
    'https://Bücher.EXAMPLE/',
    'https://xn--bcher-kva.example/',
    'https://XN--BCHER-KVA.example/',
  ],
  ...[
    'https://ΑΒΓ.gr/',
    'https://ß.de/',
    'https://ς.gr/',
    'https://日本語.jp/',
    'https://例え.テスト/',
    'https://мой.рф/',
  ],
  ...[
    'https://🎉.com/',
    'https://xn--ls8h.la/',
    'https://ﬁ.com/',
    'https://Ⅻ.com/',
    'https://ＥＸＡＭＰＬＥ．com/',
    'https://例え。テスト/',
  ],
  ...[
    'https://a\u00adb.com/',
    'https://a\u200bb.com/',
    'https://a\ufe0fb.com/',
    'https://a\u200db.com/',
    'https://क्\u200dष.in/',
  ],
  ...[
    'https://\u0301a.com/',
    'https://⒈.com/',
    'https://a\u3000b.com/',
    'https://a\ufffdb.com/',
    'http://a\ud800b.com/',
  ],
  ...[
    'https://مثال.com/',
    'https://ب9.com/',
    'https://ب١.com/',
    'https://بa.com/',
    'https://ب!.com/',
    'https://ب١2.com/',
  ],
  ...['https://ب.9a/', 'https://שלום.co.il/', 'https://xn--abc-.com/', 'https://xn--mxacdxn--/'],
  // percent-encoding and code points a host may not have
  ...[
    'https://ex%41mple.com/',
    'https://%zz.com/',
    'https://a%2eb/',
    'https://%C3%BC.de/',
    'https://a%20b/',
    'https://a b.com/',
  ],
  ...[
    'https://a..b/',
    'https://EXAMPLE.com./',
    'https://_u.example/',
    'https://a-.example/',
    'https://a^b/',
    'https://a|b/',
  ],
  ...['https://a<b/', 'https://{a}.com/', "https://a'b.com/"],
  // IPv4 in its many forms, and IPv6
  ...[
    'http://127.0.0.1/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://2130706433/',
    'http://1.2.3/',
    'http://256.0.0.1/',
  ],
  ...[
    'http://1.2.3.4.5/',
    'http://0x100000000/',
    'http://1.2.3.4./',
    'http://09.1/',
    'http://a.1/',
    'http://1.a/',
    'http://①/',
  ],
  ...[
    'http://[::1]:80/x',
    'http://[::ffff:1.2.3.4]/',
    'http://[1:0:0:2:0:0:0:3]/',
    'http://[0:0:1:0:0:1:0:0]/',
  ],
  ...[
    'http://[1:2:3:4:5:6:7:8]/',
    'http://[::]/',
    'http://[fe80::1%25eth0]/',
    'http://[g::1]/',
    'http://[::1/',
    'https://[v1.x]/',
  ],
  // ports, slashes, white space, schemes
  ...[
    'https://example.com:99999/',
    'https://example.com:65535/',
    'https://example.com:/',
    'https://example.com:8a/',
  ],
  ...[
    'https://:80/',
    'http:example.com/a',
    'http:/example.com',
    'http:\\\\example.com\\a',
    'https:///example.com',
  ],
  ...[
    ' https://example.com/ ',
    '\thttps://exa\nmple.com/',
    'https://example.com\\path',
    'https://example.com?q',
  ],
  ...[
    'https://example.com#f',
    'ftp://files.example/',
    'ws://Socket.example/',
    'wss://s.example:443/',
    'file:///etc/passwd',
  ],
  ...['file://server/share', 'file://localhost/x', 'file://C:/x', 'file:foo', 'mailto:someone@example.com'],
  ...[
    'foo://Bücher/x',
    'foo://host:99/',
    'foo:///x',
    'foo://@h/',
    'data:text/plain,hi',
    'javascript:alert(1)',
  ],
  ...['//example.com/x', 'example.com', '', 'https://', 't.co/abc', '1http://x.com/'],
];

describe("the Spark job's URL domains", () => {
  it('are the domains urlDomain gives (WHATWG URL parsing, not urlsplit)', () => {
    const python = path.join(path.dirname(findSparkSubmit()), 'python3');
    const run = spawnSync(
      python,
      [
        '-c',
        'import json, sys; from tweetpipe_process import url_domain; ' +
          'print(json.dumps([url_domain(u) for u in json.load(sys.stdin)]))',
      ],
      { cwd: path.dirname(SPARK_JOB), input: JSON.stringify(URLS), encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const fromSpark = JSON.parse(run.stdout) as (string | null)[];
    const differ = URLS.flatMap((u, i) =>
      fromSpark[i] === urlDomain(u)
        ? []
        : [`${JSON.stringify(u)}: ${fromSpark[i]} (urlDomain: ${urlDomain(u)})`],
    );
    assert.deepEqual(differ, []);
    assert.ok(new Set(fromSpark).size > 50, 'the URLs have many different domains');
  });
});
