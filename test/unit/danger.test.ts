/**
 * Danger detection: a tuning table (this file) and a held-out set (test/fixtures/danger-heldout.yaml)
 * that was written before the lexicon and is never used to tune it.
 *
 * Decisions the table pins down:
 * - "con dao" in a cooking context is NOT danger; a knife held by someone with a threat, pointed
 *   at someone, or a stabbing IS. "dao nay" without a weapon verb is "dạo này" (lately).
 * - Wanting to die IS danger ("muốn chết", "không muốn sống nữa"); tiredness/laughter hyperbole
 *   ("mệt chết đi được", "cười chết mất", "mệt muốn chết") is not.
 * - "chồng tôi đánh tôi" with no time marker IS danger (safety first). The same words inside a
 *   question about the law or a hypothetical ("nếu…", "…bị phạt bao nhiêu") are not.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { buildDangerLexicon, DangerFileSchema, detectDanger, type DangerFile } from '../../src/engine/danger';

const root = path.join(__dirname, '..', '..');
function loadFile(lang: string): DangerFile {
  const raw: unknown = YAML.parse(fs.readFileSync(path.join(root, 'content', 'danger', `${lang}.yaml`), 'utf8'));
  return DangerFileSchema.parse(raw);
}
const lex = buildDangerLexicon([loadFile('vi'), loadFile('en')]);

const POSITIVE: string[] = [
  // help cries
  'cứu tôi với', 'cuu em voi', 'cuuuuu', 'cứu với!!!', 'ai cứu em với', 'cuu toi voiii', 'làm ơn cứu con tôi',
  'cứu e vs', 'Cứu mạng', 'cứu cứu',
  // happening now
  'chồng tôi đang đánh tôi', 'ck e dang danh e', 'anh ta vừa đánh em', 'bố đang đánh mẹ em',
  'nó lại đang đánh đập mẹ con em', 'chồng đang bóp cổ tôi', 'dang bi ck danh', 'e dang bi danh',
  'ông ấy vừa đấm vào mặt tôi', 'chồng say rượu về đập phá đồ đạc', 'nó đang phá cửa xông vào',
  'hắn vừa tát em', 'vk dang chem ck', 'chồng em đang hành hung em',
  // physical, no marker
  'chồng tôi đánh tôi', 'chong toi danh toi', 'ck danh e', 'ckkk đánh emmm', 'tôi bị chồng đánh',
  'toi bi danh', 'bố dượng hay đánh em', 'em bi bo danh bam tim nguoi', 'nó đánh vợ dã man',
  'chồng bạo hành tôi', 'tôi bị bạo hành', 'anh ta đạp vào bụng tôi', 'bị đánh ghen giữa đường',
  'em bị đánh đập suốt', 'tôi bị đâm', 'nó tát vào mặt em',
  // kill threats
  'nó dọa giết tôi', 'ck doa giet e', 'anh ta nói sẽ giết cả nhà tôi', 'nó muốn giết em',
  'tao giết mày', 'nó đòi chém chết cả nhà', 'chồng dọa tạt axit', 'hắn dọa đốt nhà',
  'ông ta thuê người giết tôi', 'bo doa giet me',
  // weapons
  'chồng cầm dao đòi giết tôi', 'ck cam dao duoi e', 'nó cầm dao', 'hắn rút súng ra dọa',
  'ông ta kề dao vào cổ mẹ', 'nó vác rìu đuổi đánh', 'nó cầm búa xông vào phòng', 'anh ta cầm dao',
  // confinement / trafficking
  'em bị nhốt trong nhà', 'e bi ck nhot', 'họ không cho em về', 'ko cho toi ra khoi nha',
  'chúng nó giữ hộ chiếu của em', 'em bị bán sang trung quốc', 'em bị lừa sang campuchia',
  'họ ép em tiếp khách', 'con tôi bị bắt cóc', 'bị khóa trái trong phòng',
  // sexual
  'em vừa bị hiếp', 'tôi bị cưỡng hiếp', 'hắn sờ soạng em', 'con gái tôi bị xâm hại',
  'em bị sàm sỡ', 'ck ep e quan he', 'tối qua em bị cưỡng bức',
  // child
  'con tôi bị bố nó đánh', 'bé nhà hàng xóm bị đánh dã man', 'cháu bị dâm ô', 'mẹ kế bỏ đói con',
  // suicide
  'tôi muốn chết', 'em muon chet', 'toi khong muon song nua', 'e ko muốn sống nữa', 'tôi muốn tự tử',
  'chán sống lắm rồi', 'em định nhảy cầu', 'tôi muốn kết liễu cuộc đời', 'buồn muốn chết',
  'sống không bằng chết', 'tôi sẽ uống hết lọ thuốc',
  // English
  'help!', 'HELP ME', 'somebody help', 'help me please now', 'he is hitting me', 'my husband is beating me',
  'he hit me', 'she punched me', 'he threatened to kill me', 'he will kill me', 'he has a knife',
  'he pulled a gun', 'i was raped', 'he raped my daughter', 'i want to die', 'i wanna kill myself',
  'im going to end my life', 'i dont want to live anymore', 'he locked me in the room',
  'they took my passport', 'he wont let me leave', 'my son is being beaten', 'pls help me now',
];

const NEGATIVE: string[] = [
  // everyday "đánh"
  'đánh giá ứng dụng', 'danh gia dich vu', 'em đánh răng rồi', 'đánh máy chậm quá', 'đi đánh cầu lông không',
  'đánh bóng đôi giày', 'tôi bị đánh giá thấp', 'đánh thức em lúc 6h', 'em đánh rơi ví', 'đánh trứng làm bánh',
  'đánh đàn piano', 'đánh cờ với ông', 'mất tiền vì đánh bạc', 'chồng hay đi đánh bài',
  // "giết", "chết" idioms
  'giết thời gian', 'giet thoi gian cho vui', 'giết con gián', 'cười chết mất', 'mệt chết đi được',
  'met muon chet', 'nóng muốn chết', 'đói chết mất', 'chết cười với ông này', 'chán muốn chết',
  // dao nay / cooking knives
  'dao nay ban khoe khong', 'dạo này em ổn', 'dao nay the nao roi', 'con dao này sắc quá',
  'mua con dao mới để thái thịt', 'mẹ cầm dao thái rau', 'đi dạo vào buổi sáng', 'em đi dạo công viên',
  // collisions without diacritics
  'em mới dám kể', 'tắt máy đi', 'tat den di em', 'bảo hành điện thoại ở đâu', 'cái đầm em mua đẹp',
  'đam mê ca hát', 'từ từ thôi', 'tôi cần tư vấn', 'tu van ly hon', 'bị nổi mụn nhọt', 'đi kiếm việc làm',
  'treo cờ tổ quốc', 'nghiên cứu về bình đẳng giới', 'cứu hộ giao thông', 'cấp cứu số mấy',
  'đợt tới em về quê', 'tốn tôi 2 triệu', 'tôi không muốn sống chung với chồng nữa', 'anh ấy vừa đáp máy bay',
  'giữ giấy tờ cẩn thận', 'bạn tôi sang nhà chơi',
  // law questions and hypotheticals
  'luật phòng chống bạo lực gia đình', 'nếu bị chồng đánh thì báo ai', 'đánh vợ bị phạt bao nhiêu',
  'thế nào là xâm hại tình dục', 'hành vi bạo hành bị xử phạt thế nào', 'ngày xưa bố hay đánh em',
  // plain service talk
  'xin chào', 'menu', '0', 'thoát', 'tôi ở Đà Nẵng', 'số của hội phụ nữ', 'cảm ơn nhiều',
  'ok', 'ko sao', 'dc r', 'j vay', 'muốn nói chuyện với tư vấn viên', 'con bị sốt', '',
  // English
  'this is killing me', 'I killed it at work', 'im dying to know', 'what is domestic violence',
  'how do i get legal aid', 'beats me why', 'killing time', 'can you help me understand my rights',
  'i want to talk to a counsellor', 'thanks', 'hello', 'what counts as rape in marriage',
];

describe('danger table', () => {
  it('has enough cases', () => {
    expect(POSITIVE.length).toBeGreaterThanOrEqual(80);
    expect(NEGATIVE.length).toBeGreaterThanOrEqual(60);
  });
  it.each(POSITIVE)('danger: %s', (text) => {
    expect(detectDanger(lex, text)).toEqual({ danger: true, rule: expect.any(String), contextual: expect.any(Boolean), framed: expect.any(Boolean) });
  });
  it.each(NEGATIVE)('not danger: %s', (text) => {
    expect(detectDanger(lex, text)).toEqual({ danger: false });
  });
});

describe('danger rules', () => {
  it('returns a rule id, never the text', () => {
    const r = detectDanger(lex, 'chồng cầm dao đòi giết tôi');
    expect(r.rule).toMatch(/^vi\.[a-z_]+$/);
    expect(detectDanger(lex, 'em muốn chết').rule).toBe('vi.suicide');
    expect(detectDanger(lex, 'i want to kill myself').rule).toBe('en.suicide');
  });
  it('rejects a broken pattern with the rule id', () => {
    const bad = DangerFileSchema.parse({ version: 1, lang: 'xx', rules: [{ id: 'xx.bad', patterns: ['@nope'] }] });
    expect(() => buildDangerLexicon([bad])).toThrow(/xx\.bad/);
  });
  it('rejects duplicate rule ids', () => {
    const f = DangerFileSchema.parse({ version: 1, lang: 'xx', rules: [{ id: 'xx.a', patterns: ['a'] }] });
    expect(() => buildDangerLexicon([f, f])).toThrow(/duplicate/);
  });
});

describe('held-out set (never tuned on)', () => {
  const raw = YAML.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'danger-heldout.yaml'), 'utf8')) as {
    positive: string[];
    negative: string[];
  };
  it('has at least 40 positive and 40 negative cases', () => {
    expect(raw.positive.length).toBeGreaterThanOrEqual(40);
    expect(raw.negative.length).toBeGreaterThanOrEqual(40);
    expect([...raw.positive, ...raw.negative].every((t) => typeof t === 'string')).toBe(true);
  });
  it('recall >= 95% and false-positive rate <= 3%', () => {
    const missed = raw.positive.filter((t) => !detectDanger(lex, t).danger);
    const falseAlarms = raw.negative.filter((t) => detectDanger(lex, t).danger);
    const recall = 1 - missed.length / raw.positive.length;
    const fpRate = falseAlarms.length / raw.negative.length;
    // Figures only (counts), printed so the report can quote them.
    console.log(`held-out: recall ${(recall * 100).toFixed(1)}% (${raw.positive.length - missed.length}/${raw.positive.length}), ` +
      `false positives ${(fpRate * 100).toFixed(1)}% (${falseAlarms.length}/${raw.negative.length})`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(fpRate).toBeLessThanOrEqual(0.03);
  });
});
