import type { ExportColumn } from '@ct/runtime';

/**
 * The data sets the cases service exports, and their columns (CSV header = key; XLSX header =
 * Vietnamese label). Identity columns are written only for roles that may read identity data.
 * Follow-ups (issue 16) will be one more entry here and one more query in export-queries.ts.
 */
export const CASES_DATASETS = {
  cases: [
    { key: 'case_id', label: 'Mã ca bệnh', type: 'text' },
    { key: 'person_id', label: 'Mã người', type: 'text' },
    { key: 'full_name', label: 'Họ và tên', type: 'text', identity: true },
    { key: 'phone', label: 'Số điện thoại', type: 'text', identity: true },
    { key: 'national_id', label: 'Số CCCD/CMND', type: 'text', identity: true },
    { key: 'date_of_birth', label: 'Ngày sinh', type: 'date', identity: true },
    { key: 'address', label: 'Địa chỉ', type: 'text', identity: true },
    { key: 'area_code', label: 'Mã địa bàn', type: 'text' },
    { key: 'area_name', label: 'Địa bàn', type: 'text' },
    { key: 'status', label: 'Tình trạng', type: 'text' },
    { key: 'origin', label: 'Nguồn phát hiện', type: 'text' },
    { key: 'test_type', label: 'Loại xét nghiệm', type: 'text' },
    { key: 'confirmed_at', label: 'Ngày xác nhận', type: 'datetime' },
    { key: 'symptom_onset_at', label: 'Ngày khởi phát', type: 'datetime' },
    { key: 'sample_taken_at', label: 'Ngày lấy mẫu', type: 'datetime' },
    { key: 'closed_at', label: 'Ngày kết thúc', type: 'datetime' },
    { key: 'outcome', label: 'Kết quả điều trị', type: 'text' },
  ],
  contacts: [
    { key: 'contact_id', label: 'Mã tiếp xúc', type: 'text' },
    { key: 'person_id', label: 'Mã người', type: 'text' },
    { key: 'full_name', label: 'Họ và tên', type: 'text', identity: true },
    { key: 'phone', label: 'Số điện thoại', type: 'text', identity: true },
    { key: 'national_id', label: 'Số CCCD/CMND', type: 'text', identity: true },
    { key: 'degree', label: 'F', type: 'int' },
    { key: 'kind', label: 'Hình thức tiếp xúc', type: 'text' },
    { key: 'source_case_id', label: 'Mã ca nguồn', type: 'text' },
    { key: 'source_person_id', label: 'Mã người nguồn', type: 'text' },
    { key: 'area_code', label: 'Mã địa bàn', type: 'text' },
    { key: 'last_exposure_at', label: 'Lần tiếp xúc cuối', type: 'datetime' },
    { key: 'identified_at', label: 'Ngày xác định', type: 'datetime' },
  ],
} satisfies Record<string, ExportColumn[]>;

export type CasesDataset = keyof typeof CASES_DATASETS;

/** The columns a caller gets: all, or without identity columns. */
export function columnsFor(dataset: CasesDataset, withIdentity: boolean): ExportColumn[] {
  return (CASES_DATASETS[dataset] as ExportColumn[]).filter((c) => withIdentity || !c.identity);
}
