// Unit tests of the console's pure modules: the search's query string and the words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query, settlementFilters } from '../api.js';
import { words, cardActions, translate } from '../i18n.js';

test('query keeps the filters with a value, in order, and the cursor', () => {
  assert.equal(query({}), '');
  assert.equal(query({ status: 'live', institution: ' H001 ', person: '' }), '?institution=H001&status=live');
  assert.equal(query({ minTotal: '1000.00' }, 'abc=='), '?minTotal=1000.00&cursor=abc%3D%3D');
  assert.equal(query({ township: '城关镇' }), `?township=${encodeURIComponent('城关镇')}`);
});

test('every filter has its label in both languages', () => {
  for (const k of settlementFilters) {
    if (k === 'household') continue; // the record's link, not a field of the form
    for (const lang of ['zh', 'en']) assert.ok(words[lang][`c.${k}`], `${lang} c.${k}`);
  }
});

test('the two languages have the same words', () => {
  assert.deepEqual(Object.keys(words.en).sort(), Object.keys(words.zh).sort());
  for (const [k, v] of Object.entries(words.zh)) assert.ok(v.trim(), `zh ${k} empty`);
});

test('the console\'s words reach the desk\'s translate, Chinese first', () => {
  assert.equal(translate('zh', 'c.title'), '县合管办工作台');
  assert.equal(translate('en', 'c.page', { n: 3 }), 'Page 3');
  // The desk's own words are still there.
  assert.equal(translate('zh', 'signIn'), '登录');
});

test('every card action has a name and applies to some status', () => {
  for (const a of cardActions) {
    assert.ok(words.zh[`ev.${a.event}`] && words.en[`ev.${a.event}`], a.event);
    assert.ok(a.from.length > 0, a.event);
    for (const s of a.from) assert.ok(words.zh[`cs.${s}`], `status ${s}`);
  }
});
