import type { ExportColumn } from '@ct/runtime';

/**
 * What the quarantine service exports. It holds no identity data (names and phones live in cases):
 * persons are their pseudonymous personId; join with the cases export (`person_id`) where allowed.
 * Follow-ups carry codes and measurements, never the free-text note: no other export gives these
 * roles free text (cases' address is identity data, for tracers only), the staff list
 * (GET /follow-ups) does not show it, and a note may name people.
 */
export const QUARANTINE_DATASETS = {
  quarantines: [
    { key: 'quarantine_id', label: 'Mã lệnh cách ly', type: 'text' },
    { key: 'person_id', label: 'Mã người', type: 'text' },
    { key: 'degree', label: 'F', type: 'int' },
    { key: 'kind', label: 'Hình thức cách ly', type: 'text' },
    { key: 'facility_id', label: 'Cơ sở cách ly', type: 'text' },
    { key: 'area_code', label: 'Mã địa bàn', type: 'text' },
    { key: 'area_name', label: 'Địa bàn', type: 'text' },
    { key: 'status', label: 'Trạng thái', type: 'text' },
    { key: 'day_zero', label: 'Ngày 0', type: 'date' },
    { key: 'starts_at', label: 'Bắt đầu', type: 'datetime' },
    { key: 'ends_at', label: 'Kết thúc dự kiến', type: 'datetime' },
    { key: 'ended_at', label: 'Kết thúc', type: 'datetime' },
    { key: 'end_reason', label: 'Lý do kết thúc', type: 'text' },
    { key: 'ordered_at', label: 'Ngày ra lệnh', type: 'datetime' },
  ],
  tests: [
    { key: 'test_id', label: 'Mã xét nghiệm', type: 'text' },
    { key: 'person_id', label: 'Mã người', type: 'text' },
    { key: 'quarantine_id', label: 'Mã lệnh cách ly', type: 'text' },
    { key: 'purpose', label: 'Mục đích', type: 'text' },
    { key: 'area_code', label: 'Mã địa bàn', type: 'text' },
    { key: 'area_name', label: 'Địa bàn', type: 'text' },
    { key: 'due_on', label: 'Ngày hẹn', type: 'date' },
    { key: 'day', label: 'Ngày thứ', type: 'int' },
    { key: 'status', label: 'Trạng thái', type: 'text' },
    { key: 'result', label: 'Kết quả', type: 'text' },
    { key: 'test_type', label: 'Loại xét nghiệm', type: 'text' },
    { key: 'sample_taken_at', label: 'Ngày lấy mẫu', type: 'datetime' },
    { key: 'recorded_at', label: 'Ngày ghi nhận', type: 'datetime' },
  ],
  'follow-ups': [
    { key: 'follow_up_id', label: 'Mã lượt theo dõi', type: 'text' },
    { key: 'person_id', label: 'Mã người', type: 'text' },
    { key: 'subject', label: 'Đối tượng theo dõi', type: 'text' },
    { key: 'order_id', label: 'Mã lệnh cách ly', type: 'text' },
    { key: 'area_code', label: 'Mã địa bàn', type: 'text' },
    { key: 'area_name', label: 'Địa bàn', type: 'text' },
    { key: 'due_on', label: 'Ngày theo dõi', type: 'date' },
    { key: 'slot', label: 'Lượt trong ngày', type: 'int' },
    { key: 'status', label: 'Trạng thái', type: 'text' },
    { key: 'source', label: 'Người ghi nhận', type: 'text' },
    { key: 'temperature_c', label: 'Nhiệt độ (°C)', type: 'decimal' },
    { key: 'spo2', label: 'SpO2 (%)', type: 'int' },
    { key: 'symptoms', label: 'Triệu chứng', type: 'text' },
    { key: 'warning_signs', label: 'Dấu hiệu cảnh báo', type: 'text' },
    { key: 'missed', label: 'Bỏ lỡ', type: 'boolean' },
    { key: 'lost', label: 'Mất theo dõi', type: 'boolean' },
    { key: 'recorded_at', label: 'Thời điểm ghi nhận', type: 'datetime' },
  ],
} satisfies Record<string, ExportColumn[]>;

export type QuarantineDataset = keyof typeof QUARANTINE_DATASETS;
