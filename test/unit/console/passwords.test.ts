/**
 * The console password rule: length and zxcvbn strength, with a reason in both languages.
 */
import { MIN_PASSWORD_SCORE, passwordProblem } from '../../../src/console/passwords';

const refused: { label: string; password: string; username?: string; why: RegExp }[] = [
  { label: 'one letter repeated', password: 'aaaaaaaaaaaa', why: /lặp lại một ký tự.*repeats one character/ },
  { label: 'a repeated pattern', password: 'abcabcabcabc', why: /too easy to guess/ },
  { label: 'digits in a row', password: '123456789012', why: /too easy to guess/ },
  { label: 'a common password with digits', password: 'password1234', why: /common password/ },
  { label: 'a keyboard row', password: 'qwertyuiopas', why: /too easy to guess/ },
  { label: 'the username and a year', password: 'nguyenthilan2024', username: 'nguyenthilan', why: /too easy to guess/ },
  { label: 'the service name and digits', password: 'hotline123456', why: /username or the service's name/ },
  { label: 'Vietnamese for "password" with a year', password: 'Matkhau@2025', why: /too easy to guess/ },
  { label: 'too short', password: 'Xk3-mVq9', why: /ít nhất 12 ký tự.*at least 12 characters/ },
  { label: 'strong only after the 72 bytes bcrypt reads', password: `${'a'.repeat(72)}Xk3-mVq9-Tt72-pLw8`, why: /too easy to guess/ },
];

describe('passwordProblem', () => {
  it.each(refused)('refuses $label, saying why in Vietnamese and English', ({ password, username, why }) => {
    const reason = passwordProblem(password, username ?? 'lan');
    expect(reason).toMatch(why);
    expect(reason).toMatch(/Mật khẩu .* \/ The password /);
  });

  it.each(['correct horse battery', 'tám con mèo ngủ trưa', 'Xk3-mVq9-Tt72', 'dongnai mua he nam 2026 sang'])('accepts %s', (password) => {
    expect(passwordProblem(password, 'lan')).toBeNull();
  });

  it('asks for a score of at least 3 of 4', () => { expect(MIN_PASSWORD_SCORE).toBe(3); });
});
