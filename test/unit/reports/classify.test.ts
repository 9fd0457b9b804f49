/** Case code lists: provinces match the content, dispositions keep only known codes, wait buckets, month in Viet Nam. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { cleanDisposition, PROVINCES, waitBucketOf } from '../../../src/cases/classify';
import { monthOf } from '../../../src/cases/time';

describe('case codes', () => {
  it('lists exactly the 34 province codes of content/directory/provinces.yaml', () => {
    const file = parse(readFileSync(path.join(__dirname, '../../../content/directory/provinces.yaml'), 'utf8')) as { provinces: { code: string }[] };
    expect([...PROVINCES].sort()).toEqual(file.provinces.map((p) => p.code).sort());
    expect(PROVINCES).toHaveLength(34);
  });
  it('drops anything outside the code lists from a disposition', () => {
    const d = cleanDisposition({ violenceTypes: ['rape', 'Chồng đánh vợ'], contextFlags: ['online'], perpetratorRelation: 'Anh Nam', referrals: ['police', 'x'], outcome: 'referred' });
    expect(d).toEqual({ violenceTypes: ['rape'], contextFlags: ['online'], perpetratorRelation: null, referrals: ['police'], outcome: 'referred', dropped: 3 });
  });
  it('buckets waits', () => {
    expect([0, 9, 61, 125, 599, 601, 3599, 3600, 7300].map(waitBucketOf)).toEqual([0, 0, 60, 120, 570, 600, 3300, 3600, 7200]);
  });
  it('computes the month in Asia/Ho_Chi_Minh', () => {
    expect(monthOf(new Date('2026-02-28T17:30:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2026-03');
    expect(monthOf(new Date('2026-02-28T16:59:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2026-02');
  });
});
