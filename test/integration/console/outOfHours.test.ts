/**
 * Out of office hours on the real server: asking for a counsellor first reads that the line
 * is closed and when the next shift starts (never "a counsellor will write to you"), then
 * what they can do instead; no request reaches the queue. The line is open only on the
 * weekday after today, so the test does not depend on the hour it runs.
 */
import { HandoffCaseModel } from '../../../src/handoff/store';
import { startFakeTelegram, FakeTelegram } from '../../fakes/fakeTelegram';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';
import { ConsoleService, startConsoleService, tapUpdate } from './harness';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
let cs: ConsoleService;
let tg: FakeTelegram;

beforeAll(async () => {
  tg = await startFakeTelegram();
  const today = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Ho_Chi_Minh', weekday: 'short' }).format(new Date());
  const tomorrow = DAYS[(DAYS.indexOf(today) + 1) % 7];
  cs = await startConsoleService({ ...telegramEnv(tg.url), OFFICE_HOURS: `${tomorrow} 07:00-22:00` });
});
afterAll(async () => { await cs.close(); cs.svc.cleanup(); await tg.close(); });

it('says the line is closed and when it opens, before anything else; no request is made', async () => {
  const chat = 2101;
  const pid = cs.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });
  expect(await postUpdate(cs.svc.url, textUpdate(chat, 'xin chào', 1))).toBe(200);
  await tg.waitFor(() => tg.sent(chat).length >= 2); // the welcome and the menu
  const welcome = tg.sent(chat).length;
  expect(await postUpdate(cs.svc.url, tapUpdate(chat, 'counsellor', 2))).toBe(200);
  await tg.waitFor(() => tg.sent(chat).some((t) => /ngoài giờ trực/.test(t)));
  const sent = tg.sent(chat);
  const first = sent.findIndex((t) => /ngoài giờ trực/.test(t));
  // The very first answer to the request is the truth.
  expect(first).toBe(welcome);
  expect(sent[first]).toMatch(/Ca trực tiếp theo bắt đầu lúc 07:00 (ngày mai|ngày \d\d\/\d\d\/\d{4})/);
  expect(sent[first]).toMatch(/113/);
  expect(sent.some((t) => /đã báo cho tư vấn viên|hàng chờ|Bạn có muốn kết nối/.test(t))).toBe(false);
  await tg.waitFor(() => tg.sent(chat).some((t) => /để lại khung giờ an toàn/.test(t)));
  expect(await HandoffCaseModel.countDocuments({ pid })).toBe(0);
});
