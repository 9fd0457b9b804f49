/**
 * The password rule of console users: at least 12 characters AND a zxcvbn score of at least
 * 3 of 4 ("safely unguessable" online), so "aaaaaaaaaaaa", "123456789012" or a password made
 * of the username are refused. The reason comes back in Vietnamese and English, for the
 * console's 400 answer and for `npm run user`. Applied wherever a password is set.
 */
import { estimate } from '../shared/strength';

/** Shortest accepted password. */
export const MIN_PASSWORD = 12;
/** Longest accepted password (log-in reads at most this many characters). */
export const MAX_PASSWORD = 256;
/** Least zxcvbn score (0..4) a password must reach. */
export const MIN_PASSWORD_SCORE = 3;
/** bcrypt reads only this many bytes of a password: what follows must not be what makes it strong. */
const BCRYPT_BYTES = 72;

/** Words anyone would try first against this service's console. */
const SERVICE_WORDS = ['gbv', 'hotline', 'tongdai', 'tổng đài', 'matkhau', 'mật khẩu', 'tuvan', 'tư vấn', 'tuvanvien', 'baoluc', 'bạo lực', 'console', 'admin', 'quanly', 'quản lý'];

/** What zxcvbn found, in both languages. */
const WHY: Record<string, [string, string]> = {
  simpleRepeat: ['lặp lại một ký tự', 'it repeats one character'],
  extendedRepeat: ['lặp lại một chuỗi ký tự', 'it repeats a pattern'],
  sequences: ['là một dãy liên tiếp (abc, 123)', 'it is a sequence (abc, 123)'],
  straightRow: ['là một hàng phím liền nhau', 'it is a row of keys'],
  keyPattern: ['là một hình trên bàn phím', 'it is a keyboard pattern'],
  recentYears: ['chứa một năm gần đây', 'it contains a recent year'],
  dates: ['chứa một ngày tháng', 'it contains a date'],
  topTen: ['là một trong những mật khẩu phổ biến nhất', 'it is one of the most common passwords'],
  topHundred: ['là một mật khẩu rất phổ biến', 'it is a very common password'],
  common: ['là một mật khẩu phổ biến', 'it is a common password'],
  similarToCommon: ['gần giống một mật khẩu phổ biến', 'it is close to a common password'],
  wordByItself: ['chỉ là một từ', 'it is a single word'],
  namesByThemselves: ['chỉ gồm tên người', 'it is only names'],
  commonNames: ['chứa tên phổ biến', 'it contains common names'],
  userInputs: ['chứa tên đăng nhập hoặc tên dịch vụ', 'it contains the username or the service\'s name'],
};

/** Why a password is refused (one line, Vietnamese / English), or null when it is accepted. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD) {
    return `Mật khẩu cần ít nhất ${MIN_PASSWORD} ký tự. / The password needs at least ${MIN_PASSWORD} characters.`;
  }
  if (password.length > MAX_PASSWORD) {
    return `Mật khẩu dài quá ${MAX_PASSWORD} ký tự. / The password is longer than ${MAX_PASSWORD} characters.`;
  }
  const inputs = [username, ...SERVICE_WORDS];
  const bytes = Buffer.from(password, 'utf8');
  const judged = [password, ...(bytes.length > BCRYPT_BYTES ? [bytes.subarray(0, BCRYPT_BYTES).toString('utf8')] : [])];
  const weakest = judged.map((p) => estimate(p, inputs)).sort((a, b) => a.score - b.score)[0]!;
  if (weakest.score >= MIN_PASSWORD_SCORE) return null;
  const [vi, en] = WHY[weakest.warning ?? ''] ?? ['quá ngắn hoặc quá đơn giản', 'it is too short or too simple'];
  return `Mật khẩu quá dễ đoán: ${vi}. Hãy dùng một câu dài gồm vài từ không liên quan đến nhau. / `
    + `The password is too easy to guess: ${en}. Use a long phrase of several unrelated words.`;
}
