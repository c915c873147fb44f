import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locate, columnName, problemRows } from '../problems.js';

test('locate gives the sheet row: the header is row 1', () => {
  for (const [path, kind, want] of [
    ['/rows/0/id', 'roster', { row: 2, column: 'id' }],
    ['/rows/3', 'roster', { row: 5, column: null }],
    ['/rows/1/inCounty', 'facilities', { row: 2, column: 'inCounty' }],
    ['/rows/4', 'facilities', { row: 5, column: null }],
    ['/header/name', 'roster', { row: 1, column: 'name' }],
    ['/header', 'facilities', { row: 1, column: null }],
    ['/rows', 'roster', { row: null, column: null }],
    ['/encoding', 'roster', { row: null, column: null }],
    ['', 'roster', { row: null, column: null }],
  ]) {
    assert.deepEqual(locate(path, kind), want, path);
  }
});

test('columnName names the sheet’s columns', () => {
  assert.equal(columnName('id', 'zh'), '身份证号');
  assert.equal(columnName('id', 'en'), 'resident ID');
  assert.equal(columnName('paidOn', 'zh'), '缴费日期');
  assert.equal(columnName('mystery', 'zh'), 'mystery');
});

test('problemRows orders by row and speaks the page’s language', () => {
  const rows = problemRows([
    { code: 'field_invalid', path: '/rows/3/id', message: 'bad id', messageZh: '身份证号校验位不对' },
    { code: 'roster_empty', path: '/rows', message: 'empty', messageZh: '空' },
    { code: 'field_required', path: '/rows/0/name', message: 'required', messageZh: '必填' },
    { code: 'roster_duplicate', path: '/rows/3', message: 'dup', messageZh: '重复' },
  ], 'roster', 'zh');
  assert.deepEqual(rows, [
    { row: '（整个文件）', column: '', message: '空', code: 'roster_empty' },
    { row: '2', column: '姓名', message: '必填', code: 'field_required' },
    { row: '5', column: '身份证号', message: '身份证号校验位不对', code: 'field_invalid' },
    { row: '5', column: '（整行）', message: '重复', code: 'roster_duplicate' },
  ]);
  assert.equal(problemRows([{ code: 'x', path: '/rows/1/to', message: 'late', messageZh: '晚' }], 'facilities', 'en')[0]?.message, 'late');
});
