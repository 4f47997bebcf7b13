import type { ExportColumn } from '@ct/runtime';

/**
 * What the quarantine service exports. It holds no identity data (names and phones live in cases):
 * persons are their pseudonymous personId; join with the cases export (`person_id`) where allowed.
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
} satisfies Record<string, ExportColumn[]>;

export type QuarantineDataset = keyof typeof QUARANTINE_DATASETS;
