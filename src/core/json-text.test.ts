import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonText } from './json-text.js';

describe('jsonText', () => {
  it('writes what JSON.stringify writes', () => {
    const text =
      '{"b":[1,2.5,-0,1e400,"x\\u0001\\ud800",true,false,null,{}],"a":"é","10":1,"2":{"c":[[]]},"__proto__":7}';
    const value = JSON.parse(text);
    assert.equal(jsonText(value), JSON.stringify(value));
    for (const v of [null, 0, 'x', [], {}, [1, [2, [3]]]]) assert.equal(jsonText(v), JSON.stringify(v));
  });

  it('writes values nested deeper than JSON.stringify can, to the same text', () => {
    const deep = `${'{"a":['.repeat(50_000)}{"2":1,"1":"y"}${']}'.repeat(50_000)}`;
    const value = JSON.parse(deep);
    assert.throws(() => JSON.stringify(value), RangeError);
    assert.equal(jsonText(value), deep.replace('{"2":1,"1":"y"}', '{"1":"y","2":1}'));
  });
});
