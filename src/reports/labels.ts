/** Vietnamese labels of report figures and codes (the page, the CSV and the text output). */
import type { Dimension } from './monthly';

/** Titles of the breakdowns. */
export const DIMENSION_TITLES: Record<Dimension, string> = {
  channel: 'Theo kênh', province: 'Theo tỉnh/thành phố', violenceType: 'Theo loại hình bạo lực', contextFlag: 'Theo bối cảnh',
  role: 'Theo vai trò người liên hệ', ageGroup: 'Theo nhóm tuổi', gender: 'Theo giới tính', outcome: 'Theo kết quả',
  referral: 'Dịch vụ đã giới thiệu', feedback: 'Phản hồi của người dùng',
};

/** Titles of the headline figures. */
export const TOTAL_TITLES: Record<string, string> = {
  cases: 'Tổng số ca', newPersons: 'Người liên hệ lần đầu', returningPersons: 'Người quay lại', danger: 'Ca có nguy hiểm',
  escalated: 'Ca chuyển tư vấn viên', answeredByCounsellor: 'Ca được tư vấn viên trả lời', abandoned: 'Chuyển tiếp bị bỏ dở',
  answeredShare: 'Tỉ lệ được tư vấn viên trả lời (%)', waitMedian: 'Thời gian chờ trung vị (giây)',
  waitP90: 'Thời gian chờ phân vị 90 (giây)', waitSamples: 'Số ca có thời gian chờ',
  // en: "Cases with free text", "Cases with a message not understood", "Not-understood share (%)".
  freeText: 'Ca có tin nhắn tự do', notUnderstood: 'Ca bot chưa hiểu tin nhắn', notUnderstoodShare: 'Tỉ lệ chưa hiểu (%)',
};

const CODE_LABELS: Record<string, string> = {
  telegram: 'Telegram', zalo: 'Zalo', messenger: 'Messenger', webchat: 'Trò chuyện trên web',
  'ha-noi': 'Hà Nội', hue: 'Huế', 'lai-chau': 'Lai Châu', 'dien-bien': 'Điện Biên', 'son-la': 'Sơn La', 'lang-son': 'Lạng Sơn',
  'quang-ninh': 'Quảng Ninh', 'thanh-hoa': 'Thanh Hóa', 'nghe-an': 'Nghệ An', 'ha-tinh': 'Hà Tĩnh', 'cao-bang': 'Cao Bằng',
  'tuyen-quang': 'Tuyên Quang', 'lao-cai': 'Lào Cai', 'thai-nguyen': 'Thái Nguyên', 'phu-tho': 'Phú Thọ', 'bac-ninh': 'Bắc Ninh',
  'hung-yen': 'Hưng Yên', 'hai-phong': 'Hải Phòng', 'ninh-binh': 'Ninh Bình', 'quang-tri': 'Quảng Trị', 'da-nang': 'Đà Nẵng',
  'quang-ngai': 'Quảng Ngãi', 'gia-lai': 'Gia Lai', 'khanh-hoa': 'Khánh Hòa', 'lam-dong': 'Lâm Đồng', 'dak-lak': 'Đắk Lắk',
  'ho-chi-minh': 'TP Hồ Chí Minh', 'dong-nai': 'Đồng Nai', 'tay-ninh': 'Tây Ninh', 'can-tho': 'Cần Thơ', 'vinh-long': 'Vĩnh Long',
  'dong-thap': 'Đồng Tháp', 'ca-mau': 'Cà Mau', 'an-giang': 'An Giang',
  unknown: 'Không rõ', none: 'Chưa ghi nhận',
  rape: 'Hiếp dâm', sexual_assault: 'Tấn công tình dục', physical_assault: 'Bạo lực thể chất', forced_marriage: 'Cưỡng ép kết hôn',
  denial_of_resources: 'Từ chối nguồn lực, cơ hội, dịch vụ', psychological_abuse: 'Bạo lực tâm lý, tinh thần',
  intimate_partner_family: 'Bạn đời / gia đình', child: 'Trẻ em', online: 'Trên mạng / công nghệ',
  workplace_harassment: 'Quấy rối tình dục nơi làm việc', trafficking: 'Mua bán người',
  affected: 'Người bị ảnh hưởng', helping: 'Người hỗ trợ người khác',
  under_16: 'Dưới 16', '16_17': '16–17', '18_29': '18–29', '30_49': '30–49', '50_plus': 'Từ 50',
  female: 'Nữ', male: 'Nam', other: 'Khác',
  information_given: 'Đã cung cấp thông tin', referred: 'Đã giới thiệu dịch vụ', safety_plan: 'Lập kế hoạch an toàn',
  emergency_services: 'Đã kết nối dịch vụ khẩn cấp', follow_up_planned: 'Hẹn theo dõi tiếp', no_action_needed: 'Không cần hành động',
  abandoned: 'Bỏ dở khi chờ', cancelled: 'Người dùng huỷ yêu cầu',
  police: 'Công an', health: 'Y tế', legal_aid: 'Trợ giúp pháp lý', shelter: 'Nhà tạm lánh', social_work: 'Công tác xã hội',
  womens_union: 'Hội Liên hiệp Phụ nữ', child_protection: 'Bảo vệ trẻ em', hotline: 'Đường dây nóng',
  helped: 'Có ích', not_helped: 'Chưa có ích', skipped: 'Bỏ qua',
};

/** Vietnamese label of a code (a month "2026-03" reads "03/2026"); the code itself when unknown. */
export function labelOf(dim: string, code: string): string {
  if (dim === 'trend' && /^\d{4}-\d{2}$/.test(code)) return `${code.slice(5)}/${code.slice(0, 4)}`;
  if (dim === 'role' && code === 'unknown') return 'Không rõ vai trò';
  return CODE_LABELS[code] ?? code;
}

/** Vietnamese name of a period: "Tháng 03/2026", "6 tháng đầu năm 2026", "Năm 2026". */
export function periodTitle(kind: string, period: string): string {
  if (kind === 'month') return `Tháng ${period.slice(5)}/${period.slice(0, 4)}`;
  if (kind === 'half') return `${period.endsWith('H1') ? '6 tháng đầu năm' : '6 tháng cuối năm'} ${period.slice(0, 4)}`;
  return `Năm ${period}`;
}
